/** The localised words of each kind of log event line. */
import { msg } from './i18n.js';
import type { EventKind } from './model/log-store.js';

/** The localised words of a log event. */
export function eventLabel(kind: EventKind): string {
  switch (kind) {
    case 'connecting': return msg('Connecting', { id: 'log.ev.connecting' });
    case 'connected': return msg('Connected', { id: 'log.ev.connected' });
    case 'listening': return msg('Listening on', { id: 'log.ev.listening' });
    case 'bound': return msg('Bound to', { id: 'log.ev.bound' });
    case 'accepted': return msg('Accepted connection', { id: 'log.ev.accepted' });
    case 'peer-closed': return msg('Peer closed its side (FIN received)', { id: 'log.ev.peerClosed' });
    case 'half-closed': return msg('Half-closed: our side ended (FIN sent)', { id: 'log.ev.halfClosed' });
    case 'closed': return msg('Closed', { id: 'log.ev.closed' });
    case 'kicked': return msg('Kicked (closed by us)', { id: 'log.ev.kicked' });
    case 'error': return msg('Error', { id: 'log.ev.error' });
    case 'joined': return msg('Joined multicast group', { id: 'log.ev.joined' });
    case 'left': return msg('Left multicast group', { id: 'log.ev.left' });
    case 'info': return msg('Note', { id: 'log.ev.info' });
  }
}
