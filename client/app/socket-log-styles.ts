/** The styles of `<socket-log>`: a toolbar, a column head, fixed-height rows, and the details pane. */
import { css } from 'lit';

/** `<socket-log>`'s sheet. Rows are 22 px high: socket-log.ts places them by that number. */
export const logStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); overflow: hidden; }
  .bar { display: flex; align-items: center; gap: 8px; padding: 6px 8px; border-bottom: 1px solid var(--border); flex-wrap: wrap; }
  .bar input[type='search'] { width: 180px; }
  .bar select { height: 26px; }
  .bar .count { margin-left: auto; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
  .paused { color: var(--event); font-weight: 600; font-size: 12px; }
  .head, .line {
    display: grid; grid-template-columns: 92px 34px min(150px, 16%) 56px minmax(0, 1.1fr) minmax(0, 1fr);
    gap: 0 10px; align-items: center; padding: 0 10px;
  }
  .head { flex: none; height: 26px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--faint); border-bottom: 1px solid var(--border); background: var(--surface-2); }
  /* At least a few lines however small the window: the list never collapses to nothing. */
  .wrap { position: relative; flex: 1; min-height: 110px; }
  /* Containment keeps each redraw's layout inside the list and each row (sizes are fixed). */
  .scroller { position: absolute; inset: 0; overflow: auto; contain: strict; overscroll-behavior: contain; }
  .scroller:focus-visible { outline: 2px solid var(--focus); outline-offset: -2px; }
  .spacer { width: 1px; }
  .rows { position: absolute; top: 0; left: 0; right: 0; will-change: transform; }
  .line { box-sizing: border-box; width: 100%; height: 22px; font: 12.5px/22px var(--mono); cursor: default; border-left: 2px solid transparent; contain: strict; }
  .line:hover { background: var(--surface-2); }
  .line.sel { background: var(--accent-soft); }
  .line.cur { box-shadow: inset 0 0 0 1px var(--focus); }
  .line > span { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
  .t { color: var(--faint); font-variant-numeric: tabular-nums; }
  .d { font-size: 10.5px; font-weight: 700; letter-spacing: 0.03em; }
  .in .d { color: var(--in); }
  .out .d { color: var(--out); }
  .in { border-left-color: var(--in); }
  .out { border-left-color: var(--out); }
  .event { border-left-color: var(--event); }
  .event .d, .event .x { color: var(--event); }
  .error { border-left-color: var(--error); background: color-mix(in srgb, var(--error-soft) 60%, transparent); }
  .error .d, .error .x { color: var(--error); }
  .p { color: var(--muted); }
  .line.failed { border-left-color: var(--error); }
  .line.failed .d { color: var(--error); }
  .line.failed .x, .line.failed .h { text-decoration: line-through; opacity: 0.75; }
  .seg { display: inline-flex; border: 1px solid var(--border-strong); border-radius: var(--radius-sm); overflow: hidden; }
  .seg button { border: 0; border-radius: 0; height: 24px; padding: 0 10px; font-size: 12px; background: var(--surface); }
  .seg button[aria-pressed='true'] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
  .b { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
  .h { color: var(--muted); }
  .ev { grid-column: 5 / 7; }
  .code { font-weight: 700; margin-right: 6px; }
  .empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--faint); font-size: 13px; pointer-events: none; }
  .jump { position: absolute; right: 16px; bottom: 12px; box-shadow: var(--shadow); }
  .detail { flex: none; border-top: 1px solid var(--border); max-height: 34%; overflow: auto; padding: 8px 12px; background: var(--surface-2); display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  .detail pre { margin: 0; font: 12px/1.5 var(--mono); white-space: pre-wrap; word-break: break-all; }
  .detail h4 { margin: 0 0 4px; font-size: 11px; color: var(--faint); text-transform: uppercase; letter-spacing: 0.04em; font-weight: 600; }
  .detail .meta { grid-column: 1 / 3; display: flex; gap: 12px; font-size: 12px; color: var(--muted); align-items: center; }
`;
