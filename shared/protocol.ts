/**
 * The sockgate wire protocol, shared by the gateway and the browser library.
 *
 * One WebSocket per page, subprotocol `sockgate.v1`. Text frames carry JSON control
 * messages; binary frames carry data, credit and acknowledgements, each prefixed by a
 * one-byte kind and a 32-bit socket id. `docs/PROTOCOL.md` documents every byte.
 */

export * from './protocol/index.js';
