/** Styles the tool panels share (the drawer's sections, lists of rules and sequences). */
import { css } from 'lit';

/** Shared panel styles. */
export const panelStyles = css`
  :host { display: grid; gap: 10px; font-size: 13px; }
  h4 { margin: 0; font-size: 12px; font-weight: 600; color: var(--muted); }
  .item { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 4px 8px; align-items: center; padding: 6px 8px; border: 1px solid var(--border); border-radius: var(--radius-sm); background: var(--surface-2); }
  .item .what { font-family: var(--mono); font-size: 12px; overflow-wrap: anywhere; }
  .item .hits { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
  .item .off { color: var(--faint); text-decoration: line-through; }
  .form { display: grid; gap: 6px; padding: 8px; border: 1px dashed var(--border-strong); border-radius: var(--radius-sm); }
  .form input, .form select { height: 26px; font-size: 13px; }
  .form input.grow, textarea { width: 100%; box-sizing: border-box; }
  .hint { font-size: 11.5px; color: var(--faint); line-height: 1.5; }
  .ok { color: var(--ok); }
  .bad { color: var(--error); }
`;
