/**
 * Colours, type and spacing as CSS custom properties on `<html>` (light and dark, chosen by
 * `data-theme` or the system), plus the control styles every element shares.
 */
import { css } from 'lit';

/** The page's themes; `system` follows `prefers-color-scheme`. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const THEME_KEY = 'sockgate.theme';

const light = `
  --bg: #f5f6f8; --surface: #ffffff; --surface-2: #f0f2f5; --surface-3: #e7eaef;
  --border: #dde1e7; --border-strong: #c5cbd4;
  --text: #1c2230; --muted: #5c6678; --faint: #8a93a3;
  --accent: #2563c9; --accent-soft: #e3ecfb; --accent-text: #ffffff;
  --in: #0b7a5a; --in-soft: #e2f4ee; --out: #2957c2; --out-soft: #e5ecfa;
  --event: #8a5a00; --event-soft: #fbf1dc; --error: #b42e2a; --error-soft: #fbe6e4;
  --ok: #0b7a5a; --warn: #9a6200;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 4px 16px rgb(16 24 40 / 6%);
  --focus: #2563c9;
  color-scheme: light;`;
const dark = `
  --bg: #0f1216; --surface: #161a20; --surface-2: #1c2129; --surface-3: #242a33;
  --border: #2a313b; --border-strong: #3a4350;
  --text: #e3e7ed; --muted: #9aa4b2; --faint: #6c7685;
  --accent: #5b9bff; --accent-soft: #1b2a44; --accent-text: #0b1220;
  --in: #4fd1a5; --in-soft: #12302a; --out: #86adff; --out-soft: #18233d;
  --event: #e5b45a; --event-soft: #2f2614; --error: #ff8a80; --error-soft: #3a1d1c;
  --ok: #4fd1a5; --warn: #e5b45a;
  --shadow: 0 1px 2px rgb(0 0 0 / 30%), 0 8px 24px rgb(0 0 0 / 30%);
  --focus: #7fb0ff;
  color-scheme: dark;`;

const globalCss = `
:root {
  --font: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif;
  --mono: ui-monospace, 'JetBrains Mono', 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, 'Noto Sans Mono CJK SC', 'WenQuanYi Micro Hei Mono', monospace;
  --radius: 8px; --radius-sm: 6px;
  ${light}
}
:root[data-theme='dark'] { ${dark} }
@media (prefers-color-scheme: dark) { :root:not([data-theme='light']) { ${dark} } }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text); font: 14px/1.45 var(--font); }
body { overflow: hidden; }
`;

/** Puts the theme variables on the document (once) and applies the remembered theme. */
export function installTheme(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(globalCss);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  applyTheme(storedTheme());
}

/** The remembered theme choice. */
export function storedTheme(): ThemeChoice {
  try {
    const t = localStorage.getItem(THEME_KEY);
    if (t === 'light' || t === 'dark' || t === 'system') return t;
  } catch {
    // storage unavailable
  }
  return 'system';
}

/** Applies and remembers a theme choice. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  try {
    localStorage.setItem(THEME_KEY, choice);
  } catch {
    // storage unavailable
  }
}

/** The theme actually shown (resolving `system`). */
export function effectiveTheme(): 'light' | 'dark' {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Buttons, inputs, selects, focus rings and small helpers shared by the elements. */
export const controls = css`
  :host { font: inherit; color: var(--text); }
  * { box-sizing: border-box; }
  button, input, select, textarea { font: inherit; color: inherit; }
  button {
    display: inline-flex; align-items: center; gap: 6px; height: 30px; padding: 0 12px;
    border: 1px solid var(--border-strong); border-radius: var(--radius-sm); background: var(--surface);
    cursor: pointer; white-space: nowrap;
  }
  button:hover:not(:disabled) { background: var(--surface-2); }
  button:disabled { opacity: 0.5; cursor: default; }
  button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
  button.primary:hover:not(:disabled) { filter: brightness(1.08); background: var(--accent); }
  button.ghost { border-color: transparent; background: transparent; }
  button.ghost:hover:not(:disabled) { background: var(--surface-2); }
  button.danger { color: var(--error); }
  button.small { height: 24px; padding: 0 8px; font-size: 12px; }
  input, select, textarea {
    height: 30px; padding: 0 8px; border: 1px solid var(--border-strong); border-radius: var(--radius-sm);
    background: var(--surface); min-width: 0;
  }
  textarea { height: auto; padding: 6px 8px; resize: vertical; font-family: var(--mono); font-size: 13px; line-height: 1.5; }
  input[type='checkbox'], input[type='radio'] { height: auto; accent-color: var(--accent); }
  input[type='number'] { width: 80px; }
  :is(button, input, select, textarea, a, [tabindex]):focus-visible {
    outline: 2px solid var(--focus); outline-offset: 1px;
  }
  label { color: var(--muted); font-size: 12px; }
  .mono { font-family: var(--mono); }
  .muted { color: var(--muted); }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .field { display: flex; flex-direction: column; gap: 3px; }
  .check { display: inline-flex; align-items: center; gap: 5px; color: var(--text); font-size: 13px; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .error-text { color: var(--error); font-size: 13px; }
  .tag {
    display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 11px; line-height: 18px;
    font-weight: 600; letter-spacing: 0.02em; background: var(--surface-3); color: var(--muted);
  }
`;

