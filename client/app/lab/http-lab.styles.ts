/** Styles of the HTTP lab's panels (`<http-client-panel>`, `<http-server-panel>`). */
import { css } from 'lit';

/** Builder rows, raw byte blocks, the read list and parsed messages. */
export const httpLabStyles = css`
  :host { display: block; }
  .builder { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 8px; }
  .builder label { display: grid; gap: 3px; font-size: 13px; color: var(--muted); }
  .builder label.narrow input { width: 90px; }
  .builder label.wide { flex: 1 1 200px; }
  .builder label.grow { flex: 1 1 280px; }
  .builder label.wide input, .builder textarea { width: 100%; box-sizing: border-box; }
  .builder textarea { resize: vertical; min-height: 70px; }
  .presets { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; font-size: 13px; color: var(--muted); }
  h4 { margin: 10px 0 4px; font-size: 15px; }
  .three { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; align-items: start; }
  .two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; align-items: start; }
  @media (max-width: 1150px) { .three, .two { grid-template-columns: minmax(0, 1fr); } }
  pre.code.raw, pre.code.body { max-height: 260px; white-space: pre-wrap; word-break: break-all; margin: 0; }
  ol.reads, ol.conns { list-style: none; padding: 0; margin: 0; display: grid; gap: 6px; }
  ol.conns > li { border: 1px solid var(--border); border-radius: 8px; padding: 8px; background: var(--surface); }
  .read-head { font: 12px var(--mono, ui-monospace, monospace); color: var(--muted); margin-bottom: 2px; }
  .parsed .start { font-weight: 700; font-size: 14px; margin-bottom: 4px; }
  .parsed table.headers { font-size: 12.5px; margin-bottom: 4px; }
  .parsed table.headers th { color: var(--accent); font-weight: 600; }
  .listening { font-size: 14px; }
  .eol { color: var(--muted); opacity: 0.75; font-size: 0.9em; }
`;
