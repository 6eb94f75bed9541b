/**
 * UDPSocket: the Direct Sockets UDP socket over the gateway. Connected mode ({remoteAddress,
 * remotePort}) talks to one peer; bound mode ({localAddress, localPort?}) sends to anyone and
 * receives from anyone, with a MulticastController. Extras: broadcast, multicastInterface,
 * per-datagram `seq`/`time`, `set()`, `stats`.
 */
import { encodeData, encodeSendTo, ErrorCode, Frame } from '../../shared/protocol.js';
import type { DecodedFrame, OpenedMsg, UdpBindMsg } from '../../shared/protocol.js';
import { DuplexSocketCore, type OutgoingWrite } from './duplex-socket-core.js';
import type { GatewayConnection } from './gateway-connection.js';
import { forgetMemberships, MulticastController } from './multicast-controller.js';
import { boundConnection, kConnection } from './socket-core.js';
import { SocketError } from './socket-error.js';
import type { SocketStats, UDPMessage, UDPReceivedMessage, UDPSetOptions, UDPSocketExtras, UDPSocketOpenInfo, UDPSocketOptions } from './types.js';
import {
  checkCallback,
  queuedByteLength,
  checkDatagramSize,
  checkSignal,
  parseIpLiteral,
  present,
  toBufferSize,
  toBytes,
  toDictionary,
  toDomString,
  toEnum,
  toIpLiteral,
  toIpv6Only,
  toLocalPort,
  toOctet,
  toUnsignedShort,
  toWrappedUnsignedShort,
} from './validation.js';

/**
 * Datagrams a UDPSocket's readable holds unread; past it new ones are dropped in the page and
 * counted (`stats.droppedUnread`). Credit bounds the queue's bytes, not its entries: a flood of
 * empty datagrams costs none. 8,192 keeps the stream's queue (an array in Node) in V8's normal heap:
 * at 16,384 entries each read copied the whole queue, 21 µs per read instead of 2.6 (log 14).
 */
export const MAX_UNREAD_DATAGRAMS = 8192;

type Mode = 'connected' | 'bound';


/** Validates UDPSocketOptions the way Chromium does and builds the `udp.bind` request. */
function bindRequest(rawOptions: unknown) {
  const options = toDictionary<UDPSocketOptions>(rawOptions, 'UDPSocketOptions');
  if (rawOptions === undefined || rawOptions === null) throw new TypeError('UDPSocket requires options: {remoteAddress, remotePort} or {localAddress}');
  const request: Omit<UdpBindMsg, 'id' | 'ref'> = { t: 'udp.bind' };
  let mode: Mode | undefined;
  const hasRemoteAddress = present(options.remoteAddress);
  const hasRemotePort = present(options.remotePort);
  if (hasRemoteAddress && hasRemotePort) mode = 'connected';
  else if (hasRemoteAddress || hasRemotePort) {
    throw new TypeError('remoteAddress and remotePort should either be specified together or not specified at all.');
  }
  if (present(options.localAddress)) {
    if (mode) throw new TypeError('remoteAddress and localAddress cannot be specified at the same time.');
    mode = 'bound';
  } else if (present(options.localPort)) {
    throw new TypeError('localPort cannot be specified without localAddress.');
  }
  if (!mode) throw new TypeError('neither remoteAddress nor localAddress specified.');

  if (mode === 'connected') {
    request.remoteHost = toDomString(options.remoteAddress, 'remoteAddress');
    request.remotePort = toUnsignedShort(options.remotePort, 'remotePort');
    if (present(options.ipv6Only)) throw new TypeError('ipv6Only can only be specified with localAddress.');
    if (present(options.dnsQueryType)) request.dnsQueryType = toEnum(options.dnsQueryType, 'dnsQueryType', ['ipv4', 'ipv6']);
  } else {
    const ip = toIpLiteral(options.localAddress, 'localAddress');
    request.host = ip.address;
    if (present(options.localPort)) request.port = toLocalPort(options.localPort);
    if (present(options.dnsQueryType)) throw new TypeError('dnsQueryType is only relevant when remoteAddress is specified.');
    if (present(options.ipv6Only)) request.ipv6Only = toIpv6Only(options.ipv6Only, ip);
    if (present(options.multicastAllowAddressSharing)) request.reuseAddr = Boolean(options.multicastAllowAddressSharing);
  }
  if (present(options.sendBufferSize)) request.sendBufferSize = toBufferSize(options.sendBufferSize, 'sendBufferSize');
  if (present(options.receiveBufferSize)) request.receiveBufferSize = toBufferSize(options.receiveBufferSize, 'receiveBufferSize');
  if (present(options.multicastTimeToLive)) request.multicastTTL = toOctet(options.multicastTimeToLive, 'multicastTimeToLive');
  if (present(options.multicastLoopback)) request.multicastLoopback = Boolean(options.multicastLoopback);

  const extras = toDictionary<UDPSocketExtras>(options.extras, 'extras');
  if (present(extras.broadcast)) request.broadcast = Boolean(extras.broadcast);
  if (present(extras.multicastInterface)) request.multicastInterface = toIpLiteral(extras.multicastInterface, 'extras.multicastInterface').address;
  checkCallback(extras.onError, 'extras.onError');
  return { request, mode, signal: checkSignal(extras.signal), chunks: Boolean(extras.chunks), onError: extras.onError };
}

/** The UDP socket behind a UDPSocket: DuplexSocketCore's plumbing plus the two modes and multicast. */
class UdpSocketCore extends DuplexSocketCore<UDPSocketOpenInfo, UDPReceivedMessage, UDPMessage> {
  #mode: Mode;
  #chunks: boolean;
  #multicast: MulticastController | undefined;
  /** The bound socket's family: the gateway resolves a destination name to this family's records. */
  #localFamily: 'ipv4' | 'ipv6' = 'ipv4';

  constructor(conn: GatewayConnection, mode: Mode, chunks: boolean) {
    super(conn);
    this.#mode = mode;
    this.#chunks = chunks;
  }

  bind(request: Omit<UdpBindMsg, 'id' | 'ref'>, signal: AbortSignal | undefined): void {
    this.start({ ...request, credit: this.conn.limits.receiveWindow }, signal);
  }

  protected override onOpened(msg: OpenedMsg): UDPSocketOpenInfo {
    const { readable, writable } = this.openStreams(msg.sendWindow, (item) => item.data.byteLength, (m) => queuedByteLength(m, 'data'), false, MAX_UNREAD_DATAGRAMS);
    const info: UDPSocketOpenInfo = { readable, writable, localAddress: msg.local.address, localPort: msg.local.port };
    this.#localFamily = msg.local.address.includes(':') ? 'ipv6' : 'ipv4';
    if (this.#mode === 'connected' && msg.remote) {
      info.remoteAddress = msg.remote.address;
      info.remotePort = msg.remote.port;
    }
    if (this.#mode === 'bound') {
      const core = this;
      this.#multicast = new MulticastController({
        get isOpen() {
          return core.state === 'open';
        },
        membership: (op, { group, source, iface }) =>
          this.conn
            .request({ t: op, id: this.id, group, ...(iface === undefined ? {} : { interface: iface }), ...(source === undefined ? {} : { source }) })
            .then(() => undefined),
      });
      info.multicastController = this.#multicast;
    }
    return info;
  }

  protected override prepareWrite(message: UDPMessage): OutgoingWrite {
    if (message === null || typeof message !== 'object') throw new TypeError('UDPSocket: a written chunk must be a UDPMessage object');
    if (message.data === undefined) throw new TypeError("UDPMessage: missing 'data' field.");
    const hasAddress = present(message.remoteAddress);
    const hasPort = present(message.remotePort);
    const payload = toBytes(message.data, "UDPMessage: 'data'");
    if (hasAddress && hasPort) {
      if (this.#mode === 'connected') {
        throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must not be specified in 'connected' mode.");
      }
      const host = toDomString(message.remoteAddress, 'remoteAddress');
      // UDPMessage.remotePort is plain `unsigned short` in the IDL: it wraps, no TypeError.
      const port = toWrappedUnsignedShort(message.remotePort, 'remotePort');
      if (present(message.dnsQueryType)) this.#checkDnsQueryType(toEnum(message.dnsQueryType, 'dnsQueryType', ['ipv4', 'ipv6']), host);
      checkDatagramSize(payload);
      return { pieces: [payload], frame: (piece) => encodeSendTo(this.id, host, port, piece) };
    }
    if (hasAddress || hasPort) {
      throw new TypeError("UDPMessage: either none or both 'remoteAddress' and 'remotePort' fields must be specified.");
    }
    if (this.#mode === 'bound') throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must be specified in 'bound' mode.");
    if (present(message.dnsQueryType)) throw new TypeError("UDPMessage: 'dnsQueryType' must not be specified in 'connected' mode.");
    checkDatagramSize(payload);
    return { pieces: [payload], frame: (piece) => encodeData(this.id, piece) };
  }

  /**
   * UDPMessage.dnsQueryType in bound mode. An IP literal needs no DNS query, so it has nothing to
   * honour. For a name, the gateway resolves the records of the socket's own family (the only
   * ones a udp4 or udp6 socket can send to), which is the asked-for type when they agree; when
   * they do not, no answer could be used from this socket, so the write fails as the OS's send would.
   */
  #checkDnsQueryType(type: 'ipv4' | 'ipv6', host: string): void {
    if (parseIpLiteral(host) || type === this.#localFamily) return;
    throw new SocketError('NetworkError', ErrorCode.AddressNotAvailable, `UDPMessage: dnsQueryType '${type}' for ${host}, but the socket is bound to an ${this.#localFamily === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  }

  protected override onData(frame: DecodedFrame, owned: boolean): void {
    if (frame.kind !== Frame.Datagram) return;
    // A datagram that had its WebSocket message to itself keeps a view into it (nothing else
    // uses that buffer); one inside a Batch gets its own bytes, so it does not pin the Batch.
    const message: UDPReceivedMessage = { data: owned ? frame.payload : frame.payload.slice() };
    if (this.#mode === 'bound') {
      message.remoteAddress = frame.host;
      message.remotePort = frame.port;
    }
    if (this.#chunks) {
      message.seq = frame.seq;
      message.time = frame.time;
    }
    this.deliver(message, message.data.byteLength);
  }

  protected override endStreams(error: unknown): void {
    if (this.#multicast) forgetMemberships(this.#multicast);
    super.endStreams(error);
  }

  protected override shutStreams(reason: unknown): void {
    if (this.#multicast) forgetMemberships(this.#multicast);
    super.shutStreams(reason);
  }
}

/**
 * A UDP socket on the gateway's host (spec: UDPSocket). Use the class bound to a gateway,
 * `gateway.UDPSocket`.
 */
export class UDPSocket {
  static [kConnection]: GatewayConnection | undefined;

  #core: UdpSocketCore;

  constructor(options: UDPSocketOptions) {
    const conn = boundConnection(new.target as typeof UDPSocket, 'UDPSocket');
    const { request, mode, signal, chunks, onError } = bindRequest(options);
    this.#core = new UdpSocketCore(conn, mode, chunks);
    this.#core.onError = onError;
    this.#core.bind(request, signal);
  }

  // The spec's members are own properties of each class, as the IDL's separate interfaces are
  // (test/client/*-socket.test.ts check it), so these delegations repeat in TCPSocket and TCPServerSocket.
  /** Resolves with the streams, addresses and (bound mode) the multicast controller. */
  get opened(): Promise<UDPSocketOpenInfo> {
    return this.#core.opened;
  }

  /** Resolves when both streams are done; rejects on an error. */
  get closed(): Promise<void> {
    return this.#core.closed;
  }

  /** Closes the socket. Rejects with InvalidStateError while opening or while a stream is locked. */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Non-spec: change broadcast, multicastTimeToLive or multicastLoopback on the open socket. */
  set(options: UDPSetOptions): Promise<void> {
    const o = toDictionary<UDPSetOptions>(options, 'options');
    const fields: Record<string, unknown> = {};
    if (present(o.broadcast)) fields.broadcast = Boolean(o.broadcast);
    if (present(o.multicastTimeToLive)) fields.multicastTTL = toOctet(o.multicastTimeToLive, 'multicastTimeToLive');
    if (present(o.multicastLoopback)) fields.multicastLoopback = Boolean(o.multicastLoopback);
    return this.#core.set(fields);
  }

  /** Non-spec: byte and datagram counters (`dropped` is the gateway's running count). */
  get stats(): SocketStats {
    return this.#core.snapshot();
  }

  /** Non-spec: the gateway's socket id. */
  get id(): number {
    return this.#core.id;
  }

  get [Symbol.toStringTag](): string {
    return 'UDPSocket';
  }
}
