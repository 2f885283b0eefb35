/** The bench's chart: each metric as live-chat's figure over the bare relay's. */

export interface Row {
  metric: string;
  bare: number;
  ours: number;
  unit: string;
  better: 'higher' | 'lower';
  target: string;
  /** Whether the target is met; undefined where there is none. */
  met?: boolean;
}

export function svg(rows: Row[]): string {
  const width = 900;
  const barHeight = 22;
  const top = 40;
  const left = 420;
  const scale = (width - left - 80) / 2; // ratio 2.0 fills the width
  const bars = rows
    .map((row, i) => {
      const ratio = row.ours / row.bare;
      const y = top + i * (barHeight + 10);
      // Green or red where the issue sets a target, grey where it does not.
      const fill = row.met === undefined ? '#8c959f' : row.met ? '#1a7f37' : '#cf222e';
      return `<text x="${left - 10}" y="${y + 16}" text-anchor="end">${row.metric}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, Math.min(2, ratio) * scale)}" height="${barHeight}" fill="${fill}"/>
<text x="${left + Math.min(2, ratio) * scale + 6}" y="${y + 16}">${ratio.toFixed(2)}×</text>`;
    })
    .join('\n');
  const height = top + rows.length * (barHeight + 10) + 40;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" font-size="15" font-weight="600">live-chat relay ÷ bare Socket.IO relay (same run; 1.00× = as fast / as small as bare)</text>
<line x1="${left + scale}" y1="${top - 6}" x2="${left + scale}" y2="${height - 14}" stroke="#57606a" stroke-dasharray="4 3"/>
${bars}
<text x="${left}" y="${height - 10}" fill="#57606a">green: meets its target · red: misses it · grey: no target</text>
</svg>`;
}

/** A figure of the widget bench (bench/widget.ts), with its target; `limit` is the target as a number. */
export interface WidgetRow {
  metric: string;
  value: number;
  unit: string;
  target: string;
  limit?: number;
  met?: boolean;
}

/** The widget bench's chart: each figure as a share of its target (the dashed line), figures without one as text. */
export function widgetSvg(rows: WidgetRow[], machine: string): string {
  const width = 900;
  const barHeight = 22;
  const top = 40;
  const left = 460;
  const scale = (width - left - 120) / 2; // twice the target fills the width
  const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(n >= 100 ? 0 : 2));
  const bars = rows
    .map((row, i) => {
      const y = top + i * (barHeight + 10);
      const label = `${fmt(row.value)}${row.unit ? ` ${row.unit}` : ''}${row.target ? ` (target ${row.target})` : ''}`;
      // A target of 0 (CLS, long tasks): any figure above it is a full bar.
      const ratio = row.limit === undefined ? 0 : row.limit === 0 ? (row.value > 0 ? 2 : 0) : Math.max(0, row.value) / row.limit;
      const fill = row.met === undefined ? '#8c959f' : row.met ? '#1a7f37' : '#cf222e';
      const length = Math.min(2, ratio) * scale;
      return `<text x="${left - 10}" y="${y + 16}" text-anchor="end">${row.metric}</text>
${row.limit === undefined ? '' : `<rect x="${left}" y="${y}" width="${Math.max(1, length)}" height="${barHeight}" fill="${fill}"/>`}
<text x="${left + (row.limit === undefined ? 0 : Math.max(1, length)) + 6}" y="${y + 16}">${label}</text>`;
    })
    .join('\n');
  const height = top + rows.length * (barHeight + 10) + 40;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" font-size="15" font-weight="600">live-chat widget in headless Chromium, each figure ÷ its target (${machine})</text>
<line x1="${left + scale}" y1="${top - 6}" x2="${left + scale}" y2="${height - 14}" stroke="#57606a" stroke-dasharray="4 3"/>
${bars}
<text x="${left}" y="${height - 10}" fill="#57606a">green: meets its target · red: misses it · grey: no target (text only)</text>
</svg>`;
}
