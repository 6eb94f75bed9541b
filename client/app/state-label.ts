/** Localised names of session states and kinds. */
import { msg } from './i18n.js';
import type { SessionKind, SessionState } from './model/session.js';

/** A session state in words. */
export function stateLabel(state: SessionState): string {
  switch (state) {
    case 'opening': return msg('opening', { id: 'state.opening' });
    case 'open': return msg('open', { id: 'state.open' });
    case 'half-closed': return msg('half-closed', { id: 'state.halfClosed' });
    case 'closing': return msg('closing', { id: 'state.closing' });
    case 'closed': return msg('closed', { id: 'state.closed' });
    case 'failed': return msg('failed', { id: 'state.failed' });
  }
}

/** A session kind as a short tag. */
export function kindTag(kind: SessionKind): string {
  switch (kind) {
    case 'tcp': return 'TCP';
    case 'server': return msg('SERVER', { id: 'kind.server' });
    case 'accepted': return msg('CLIENT', { id: 'kind.accepted' });
    case 'udp': return 'UDP';
  }
}

/** A session kind in words. */
export function kindLabel(kind: SessionKind): string {
  switch (kind) {
    case 'tcp': return msg('TCP client', { id: 'kind.tcpLong' });
    case 'server': return msg('TCP server', { id: 'kind.serverLong' });
    case 'accepted': return msg('Accepted connection', { id: 'kind.acceptedLong' });
    case 'udp': return msg('UDP socket', { id: 'kind.udpLong' });
  }
}
