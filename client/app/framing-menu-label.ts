/** The composer's framing menu entries in the UI language (issue 12, defect 8: they stayed English). */
import { msg } from './i18n.js';

/** The menu label of framing `id` (`FRAMINGS` in model/composer-payload.ts); `fallback` for an id it does not know. */
export function framingMenuLabel(id: string, fallback: string): string {
  switch (id) {
    case 'none': return msg('none', { id: 'composer.none' });
    case 'len-i': return msg("length 4 B LE signed (struct 'i')", { id: 'framing.len-i' });
    case 'len-!I': return msg("length 4 B BE (struct '!I')", { id: 'framing.len-!I' });
    case 'len-!H': return msg("length 2 B BE (struct '!H')", { id: 'framing.len-!H' });
    case 'len-<H': return msg("length 2 B LE (struct '<H')", { id: 'framing.len-<H' });
    case 'len-B': return msg("length 1 B (struct 'B')", { id: 'framing.len-B' });
    case 'len-!Q': return msg("length 8 B BE (struct '!Q')", { id: 'framing.len-!Q' });
    case 'delim-lf': return msg('delimiter \\n', { id: 'framing.delim-lf' });
    case 'delim-crlf': return msg('delimiter \\r\\n', { id: 'framing.delim-crlf' });
    case 'delim-nul': return msg('delimiter \\0', { id: 'framing.delim-nul' });
    case 'json-header': return msg("JSON header + body (struct 'i')", { id: 'framing.json-header' });
    default: return fallback;
  }
}
