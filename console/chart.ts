import uPlot from 'uplot';

export interface Series {
  /** What the line counts, as its legend says it. */
  label: string;
  /** Each minute's value, oldest first (null: nothing known, drawn as a gap). */
  values: (number | null)[];
}

/** The console's palette, read from its custom properties so the charts follow light and dark. */
const palette = (host: Element) => {
  const style = getComputedStyle(host);
  return { fg: style.getPropertyValue('--muted').trim(), line: style.getPropertyValue('--line').trim(), accent: style.getPropertyValue('--accent').trim() };
};

/**
 * A line of one value a minute, drawn with uPlot (a canvas, about 22 KB
 * gzip, and no DOM written as HTML, which the console's Trusted Types
 * would refuse) into `into`, as wide as it is. Answers a function that
 * redraws it with new values, and one that removes it.
 */
export function minuteChart(into: HTMLElement, from: number, series: Series, height = 160) {
  const { fg, line, accent } = palette(into);
  const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  const xs = series.values.map((_, i) => from / 1000 + i * 60);
  const chart = new uPlot(
    {
      width: Math.max(200, into.clientWidth),
      height,
      series: [
        {},
        {
          label: series.label,
          stroke: accent,
          width: 2,
          fill: `${accent}22`,
          spanGaps: false,
          value: (_u, v) => (v === null ? '—' : String(v)),
          // A few scattered points (a relay just started) would draw no line: they show as dots.
          points: { show: (u: uPlot) => Array.from(u.data[1] ?? [], (v) => v).filter((v) => v !== null).length < 120 },
        },
      ],
      axes: [axis, { ...axis, size: 40 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      cursor: { drag: { x: false, y: false } },
    },
    [xs, series.values],
    into,
  );
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, into.clientWidth), height }));
  resize.observe(into);
  return {
    update: (start: number, values: (number | null)[]) => chart.setData([values.map((_, i) => start / 1000 + i * 60), values]),
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
}
