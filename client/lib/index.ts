/**
 * sockgate's browser socket library: the WICG Direct Sockets API (TCPSocket, TCPServerSocket,
 * UDPSocket) over a sockgate gateway. Start with `await SocketGateway.connect(…)`.
 */
export { SocketGateway } from './socket-gateway.js';
export type { GatewayCloseEvent, GatewayShutdownEvent, SocketGatewayConnectOptions } from './socket-gateway.js';
export { GatewayApi } from './gateway-api.js';
export type { GatewayApiOptions, GatewayInterface, LabServiceInfo, LabServicesReport, TcpStateQuery, TcpStateResult } from './gateway-api.js';
export { TCPSocket } from './tcp-socket.js';
// Non-spec: each TCP read's gateway seq and time, for sockets opened with extras.chunks.
export { readChunk, takeChunkInfo } from './lab-extras.js';
export { TCPServerSocket } from './tcp-server-socket.js';
export type { TCPServerSocketExtras, TCPServerSocketOpenInfo, TCPServerSocketOptions } from './tcp-server-socket.js';
export { UDPSocket } from './udp-socket.js';
export { MulticastController } from './multicast-controller.js';
export type { MulticastGroupOptions } from './multicast-controller.js';
export { ClientErrorCode, SocketError } from './socket-error.js';
export type { SocketErrorCode, SocketErrorName } from './socket-error.js';
export type { ConnectionCloseInfo, WebSocketConstructor } from './gateway-connection.js';
export type * from './types.js';
export { ErrorCode } from '../../shared/protocol.js';
export type { GatewayLimits } from '../../shared/protocol.js';
// Framing (length prefix, delimiter, fixed size, JSON header + body) and text encodings, from shared/.
export { FramingDecoderStream, FramingEncoderStream } from './framing-streams.js';
export * from '../../shared/framing/index.js';
export * from '../../shared/encoding/index.js';
// The Direct Sockets polyfill (also served as /sockgate/polyfill.js).
export { installPolyfill } from './polyfill.js';
export type { Polyfill, PolyfillOptions } from './polyfill.js';
