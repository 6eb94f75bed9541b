/**
 * The workspace's sessions as one type: narrow on `kind` to reach what only one kind has (a
 * server's clients, a UDP socket's peers and groups, a connection's half-close).
 */
import type { ServerSession } from './server-session.js';
import type { TcpSession } from './tcp-session.js';
import type { UdpSession } from './udp-session.js';

/** Any session of the workspace. */
export type Session = TcpSession | ServerSession | UdpSession;

export type { SessionKind, SessionState, Counters } from './socket-session.js';
export type { SendJob, SendTarget } from './send-job.js';
export type { TcpClientOptions } from './tcp-session.js';
export type { TcpServerOptions } from './server-session.js';
export type { UdpOptions, UdpPeer } from './udp-session.js';
