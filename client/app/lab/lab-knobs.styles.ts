/** Styles of `<lab-knobs>`: three fieldsets side by side (sender, receiver, messages and connection). */
import { css } from 'lit';

/** The knobs panel's own rules (after the shared `controls`). */
export const labKnobsStyles = css`
  :host {
    display: block;
  }
  .knobs {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
    gap: 14px;
  }
  fieldset {
    min-width: 0;
    border: 1px solid var(--line);
    border-radius: 10px;
    padding: 10px 14px 12px;
    margin: 0;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  legend {
    font-weight: 700;
    padding: 0 6px;
  }
  label {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    color: var(--text, inherit);
    font-size: 14px;
  }
  label.stack {
    flex-direction: column;
    align-items: stretch;
    gap: 4px;
    color: var(--muted, inherit);
    font-size: 13px;
  }
  label select {
    flex: 1 1 auto;
    min-width: 0;
    max-width: 100%;
  }
  .hint {
    font-size: 12px;
    opacity: 0.7;
    margin: 0;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .chips button {
    padding: 2px 10px;
    font-size: 13px;
  }
`;
