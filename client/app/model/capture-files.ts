/**
 * A workspace session's capture as flows for `shared/capture`: a TCP connection is one flow, a
 * server is the flows of the clients it still lists, a UDP socket is one flow of datagrams.
 */
import type { CaptureFlow } from '../../../shared/capture/capture-flow.js';
import { jsonLines, pcapngBlocks } from '../../../shared/capture/capture-export.js';
import type { SocketSession } from './socket-session.js';
import { splitHostPort } from './traffic-capture.js';

/** A session as the capture export sees it (a server's clients are sessions too). */
interface CapturedSession extends Pick<SocketSession, 'kind' | 'local' | 'remote' | 'since' | 'capture' | 'state'> {
  clients?: readonly CapturedSession[];
}

/** The flows of a session (none while it is still opening or when it failed to open). */
export function flowsOf(session: CapturedSession): CaptureFlow[] {
  if (session.kind === 'server') return (session.clients ?? []).flatMap((c) => flowsOf(c));
  const local = splitHostPort(session.local);
  if (!local || session.state === 'opening' || session.state === 'failed') return [];
  const c = session.capture;
  if (session.kind === 'udp') return [{ proto: 'udp', local, openedAt: session.since, records: c.records }];
  const remote = splitHostPort(session.remote);
  if (!remote) return [];
  return [
    {
      proto: 'tcp',
      local,
      remote,
      initiator: session.kind === 'tcp' ? 'local' : 'remote',
      openedAt: session.since,
      ...(c.closedAt !== undefined ? { closedAt: c.closedAt } : {}),
      records: c.records,
      ...(c.skipped.in || c.skipped.out ? { skipped: { ...c.skipped } } : {}),
    },
  ];
}

/** The session's capture as a pcapng file's blocks. */
export function pcapngOf(session: CapturedSession): Uint8Array[] {
  return pcapngBlocks(flowsOf(session));
}

/** The session's capture as JSON Lines. */
export function jsonLinesOf(session: CapturedSession): string {
  return jsonLines(flowsOf(session));
}
