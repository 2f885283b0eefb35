import { css } from 'lit';

/** The overview's look (overview.ts): figures, charts, the busiest rooms; and uPlot's own rules. */
export const overviewStyles = css`
  .tiles {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
    gap: 8px;
    margin-bottom: 12px;
  }
  .tiles li {
    display: flex;
    flex-direction: column;
    gap: 2px;
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 8px 12px;
  }
  .tiles li:first-child {
    border-top: 1px solid var(--line);
  }
  .tiles .figure {
    font-size: 1.6rem;
    font-weight: 600;
  }
  .tiles button {
    align-self: flex-start;
  }
  .charts {
    display: grid;
    gap: 12px;
  }
  @media (min-width: 760px) {
    .charts {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
  }
  figure {
    margin: 0;
    min-width: 0;
  }
  figcaption {
    display: flex;
    flex-direction: column;
    margin-bottom: 4px;
  }
  .chart {
    min-height: 160px;
    overflow: hidden;
  }
  ol.rooms {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  /* uPlot's own rules (uPlot.min.css 1.6.32, what the charts use), here as the console has one stylesheet in its shadow root. */
  .uplot,
  .uplot * {
    box-sizing: border-box;
  }
  .uplot {
    font: 12px/1.5 system-ui, sans-serif;
    width: min-content;
  }
  .u-wrap {
    position: relative;
    user-select: none;
  }
  .u-over,
  .u-under,
  .u-axis {
    position: absolute;
  }
  .u-under {
    overflow: hidden;
  }
  .uplot canvas {
    display: block;
    position: relative;
    width: 100%;
    height: 100%;
  }
  .u-legend {
    font-size: 0.875rem;
    margin: 0;
    text-align: start;
    color: var(--muted);
  }
  .u-inline {
    display: block;
  }
  .u-inline * {
    display: inline-block;
  }
  .u-inline tr {
    margin-right: 16px;
  }
  .u-legend th {
    font-weight: 600;
  }
  .u-legend .u-marker {
    width: 1em;
    height: 1em;
    margin-right: 4px;
    background-clip: padding-box !important;
  }
  .u-inline.u-live th::after {
    content: ':';
  }
  .u-inline:not(.u-live) .u-value {
    display: none;
  }
  .u-series > * {
    padding: 2px;
  }
  .u-select {
    background: rgb(0 0 0 / 0.07);
    position: absolute;
    pointer-events: none;
  }
  .u-cursor-x,
  .u-cursor-y {
    position: absolute;
    left: 0;
    top: 0;
    pointer-events: none;
  }
  .u-hz .u-cursor-x {
    height: 100%;
    border-right: 1px dashed var(--muted);
  }
  .u-hz .u-cursor-y {
    width: 100%;
    border-bottom: 1px dashed var(--muted);
  }
  .u-cursor-pt {
    position: absolute;
    top: 0;
    left: 0;
    border-radius: 50%;
    border: 0 solid;
    pointer-events: none;
    background-clip: padding-box !important;
  }
  .u-axis.u-off,
  .u-select.u-off,
  .u-cursor-x.u-off,
  .u-cursor-y.u-off,
  .u-cursor-pt.u-off {
    display: none;
  }
`;
