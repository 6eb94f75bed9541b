/**
 * The composer's bytes with the socket's tools applied: macros expanded (fresh for every repeat),
 * then the checksum appended, then the framing — so a length prefix or JSON header wraps the
 * checksummed message, as a receiver that deframes and then verifies expects. Without macros or a
 * checksum this is exactly `buildPayload`.
 */
import { encodeText, formatHex, parseEscapes } from '../../../shared/encoding/index.js';
import { concatAll, expandTemplate, hasMacros, type MacroContext } from '../../../shared/tools/macros.js';
import { buildPayload, type PayloadSettings } from '../model/composer-payload.js';
import type { SessionTools } from './session-tools.js';

/** The bytes of `text` under `settings` and `tools`; `preview` does not move the counter. Throws what buildPayload or a macro throws. */
export function composeBytes(text: string, settings: PayloadSettings, tools: SessionTools | undefined, preview = false): Uint8Array {
  const macros = hasMacros(text);
  if (!tools || (!macros && tools.checksum === 'none')) return buildPayload(text, settings);
  const context: MacroContext = preview ? tools.previewContext() : tools.nextContext();
  return frame(tools.outbound(expandBody(text, settings, context)), settings);
}

/** The message body (before checksum and framing) with macros expanded. */
export function expandBody(text: string, settings: PayloadSettings, context: MacroContext): Uint8Array {
  const plain = { ...settings, framing: 'none' };
  if (settings.mode === 'hex') return expandTemplate(text, 'hex', context, () => new Uint8Array(0));
  const encode = settings.escapes ? (t: string) => parseEscapes(t, settings.encoding) : (t: string) => encodeText(t, settings.encoding);
  // The line ending alone, as buildPayload writes it.
  return concatAll([expandTemplate(text, 'text', context, encode), buildPayload('', plain)]);
}

function frame(body: Uint8Array, settings: PayloadSettings): Uint8Array {
  if (settings.framing === 'none') return body;
  // buildPayload owns framing (incl. the JSON header); hand it the finished body as hex.
  return buildPayload(formatHex(body), { ...settings, mode: 'hex' });
}
