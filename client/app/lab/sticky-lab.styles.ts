/** Styles of `<sticky-lab>`: the intro, the scenario cards, the stage and the panels. */
import { css } from 'lit';

/** The lab view's own rules (after the shared `controls`). */
export const stickyLabStyles = css`
  :host {
    display: block;
    --lab-accent: var(--accent, #2f6fba);
    --line: var(--border, color-mix(in srgb, currentColor 14%, transparent));
    --soft: var(--surface, transparent);
    font: 15px/1.5 var(--font, system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    max-width: 1280px;
    padding: 16px 20px 24px;
    box-sizing: border-box;
  }
  h2 {
    margin: 0 0 4px;
    font-size: 22px;
  }
  .intro {
    margin: 0 0 14px;
    opacity: 0.85;
    max-width: 72ch;
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
    gap: 10px;
    margin-bottom: 16px;
  }
  section.stage,
  section.panel {
    border: 1px solid var(--line);
    border-radius: 12px;
    padding: 16px 18px;
    margin-bottom: 16px;
    background: var(--soft);
  }
  .stage h3 {
    margin: 0 0 6px;
    font-size: 20px;
  }
  .panel h3 {
    margin: 0 0 8px;
  }
  /* The kernel's states and the wire side by side; stacked on narrow windows. */
  section.wire {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 18px;
  }
  @media (max-width: 1100px) {
    section.wire {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .capture-toggle {
    display: block;
    margin-bottom: 6px;
  }
  .explain {
    margin: 0 0 6px;
    font-size: 16px;
    max-width: 95ch;
  }
  .head.with-code {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(300px, 380px);
    gap: 20px;
    align-items: start;
  }
  pre.code {
    margin: 0 0 12px;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--surface-2, color-mix(in srgb, currentColor 6%, transparent));
    border: 1px solid var(--line);
    font: 12.5px/1.45 var(--mono, ui-monospace, 'DejaVu Sans Mono', monospace);
    white-space: pre;
    overflow-x: auto;
  }
  .look {
    margin: 0 0 12px;
    padding-left: 10px;
    border-left: 4px solid var(--lab-accent);
    font-size: 15px;
    font-weight: 600;
    color: var(--lab-accent);
  }
  .who {
    margin: 0 0 10px;
    font-size: 13px;
    opacity: 0.75;
    font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
  }
  .status {
    font-size: 13px;
    margin: 8px 0 0;
    opacity: 0.8;
  }
  .status.error {
    color: #c62828;
    opacity: 1;
  }
`;
