/** The relay log's own lines in the page's language (the model takes them as plain functions). */
import { msg, str } from './i18n.js';
import type { RelayWords } from './model/relay-session.js';

/** Words for {@link RelaySession}'s log lines, in the current locale. */
export function relayWords(): RelayWords {
  return {
    missed: (dir, n) => `${dir === 'up' ? '↑' : '↓'} ${msg(str`${n} reads not shown (the page fell behind; the relay kept forwarding)`, { id: 'relay.missed' })}`,
    truncated: () => msg('log truncated: the copy budget is spent, sizes only from here', { id: 'relay.truncated' }),
  };
}
