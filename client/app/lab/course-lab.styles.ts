/** Styles shared by the course labs (`<course-labs>` and each lab inside it). */
import { css } from 'lit';

/** Headings, explanations, the "what the kernel really does" box, code and status lines. */
export const courseLabStyles = css`
  :host { display: block; font: 15px/1.5 var(--font, system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif); }
  h3 { margin: 0 0 6px; font-size: 20px; }
  .explain { margin: 0 0 8px; max-width: 100ch; }
  .note { margin: 0 0 6px; font-size: 13px; color: var(--muted); }
  .truth {
    margin: 0 0 12px; padding: 6px 10px; border-left: 4px solid var(--warn); background: var(--surface-2);
    border-radius: 0 8px 8px 0; font-size: 14px; max-width: 100ch;
  }
  .row { margin-bottom: 10px; }
  .kernel { font-size: 12.5px; font-family: var(--mono, ui-monospace, monospace); margin-bottom: 4px; }
  pre.code {
    margin: 6px 0 0; padding: 8px 10px; border-radius: 8px; background: var(--surface-2); border: 1px solid var(--border);
    font: 12px/1.45 var(--mono, ui-monospace, 'DejaVu Sans Mono', monospace); white-space: pre; overflow: auto;
  }
  details summary { cursor: pointer; font-size: 13px; color: var(--muted); margin-top: 6px; }
  .status { font-size: 13px; margin: 8px 0; }
  .status.error { color: var(--error); }
  table.facts { border-collapse: collapse; font-size: 14px; }
  table.facts th, table.facts td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
  table.facts th { color: var(--muted); font-weight: 500; }
`;
