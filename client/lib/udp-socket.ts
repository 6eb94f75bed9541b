/**
 * UDPSocket: the Direct Sockets UDP socket over the gateway. Connected mode ({remoteAddress,
 * remotePort}) talks to one peer; bound mode ({localAddress, localPort?}) sends to anyone and
 * receives from anyone, with a MulticastController. Extras: broadcast, multicastInterface,
 * per-datagram `seq`/`time`, `set()`, `stats`.
 */
import { encodeCounter, encodeData, encodeSendTo, Frame } from '../../shared/protocol.js';
import type { DecodedFrame, OpenedMsg, UdpBindMsg } from '../../shared/protocol.js';
import { CreditedReadable } from './credited-readable.js';
import { SendCredit } from './credit.js';
import type { GatewayConnection } from './gateway-connection.js';
import { MulticastController } from './multicast-controller.js';
import { SocketCore } from './socket-core.js';
import { checkCallback, checkSignal, kConnection } from './tcp-socket.js';
import type { SocketStats, UDPMessage, UDPReceivedMessage, UDPSetOptions, UDPSocketExtras, UDPSocketOpenInfo, UDPSocketOptions } from './types.js';
import {
  checkDatagramSize,
  isIpv6Any,
  present,
  toBytes,
  toDictionary,
  toDomString,
  toEnum,
  toIpLiteral,
  toOctet,
  toUnsignedLong,
  toUnsignedShort,
} from './validation.js';

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
    if (present(options.localPort)) {
      request.port = toUnsignedShort(options.localPort, 'localPort');
      if (request.port === 0) {
        throw new TypeError('localPort must be greater than zero. Leave this field unassigned to allow the OS to pick a port on its own.');
      }
    }
    if (present(options.dnsQueryType)) throw new TypeError('dnsQueryType is only relevant when remoteAddress is specified.');
    if (present(options.ipv6Only)) {
      if (!isIpv6Any(ip)) throw new TypeError('ipv6Only can only be specified when localAddress is [::] or equivalent.');
      request.ipv6Only = Boolean(options.ipv6Only);
    }
    if (present(options.multicastAllowAddressSharing)) request.reuseAddr = Boolean(options.multicastAllowAddressSharing);
  }
  if (present(options.sendBufferSize)) {
    request.sendBufferSize = toUnsignedLong(options.sendBufferSize, 'sendBufferSize');
    if (request.sendBufferSize === 0) throw new TypeError('sendBufferSize must be greater than zero.');
  }
  if (present(options.receiveBufferSize)) {
    request.receiveBufferSize = toUnsignedLong(options.receiveBufferSize, 'receiveBufferSize');
    if (request.receiveBufferSize === 0) throw new TypeError('receiveBufferSize must be greater than zero.');
  }
  if (present(options.multicastTimeToLive)) request.multicastTTL = toOctet(options.multicastTimeToLive, 'multicastTimeToLive');
  if (present(options.multicastLoopback)) request.multicastLoopback = Boolean(options.multicastLoopback);

  const extras = toDictionary<UDPSocketExtras>(options.extras, 'extras');
  if (present(extras.broadcast)) request.broadcast = Boolean(extras.broadcast);
  if (present(extras.multicastInterface)) request.multicastInterface = toIpLiteral(extras.multicastInterface, 'extras.multicastInterface').address;
  checkCallback(extras.onError, 'extras.onError');
  return { request, mode, signal: checkSignal(extras.signal), chunks: Boolean(extras.chunks), onError: extras.onError };
}

/** The UDP socket behind a UDPSocket. */
class UdpSocketCore extends SocketCore<UDPSocketOpenInfo> {
  #mode: Mode;
  #chunks: boolean;
  #source: CreditedReadable<UDPReceivedMessage> | undefined;
  #writable: WritableStream<UDPMessage> | undefined;
  #writableController: WritableStreamDefaultController | undefined;
  #sendCredit = new SendCredit(0);
  #multicast: MulticastController | undefined;

  constructor(conn: GatewayConnection, mode: Mode, chunks: boolean) {
    super(conn);
    this.#mode = mode;
    this.#chunks = chunks;
  }

  bind(request: Omit<UdpBindMsg, 'id' | 'ref'>, signal: AbortSignal | undefined): void {
    this.start({ ...request, credit: this.conn.limits.receiveWindow }, signal);
  }

  protected override onOpened(msg: OpenedMsg): UDPSocketOpenInfo {
    this.#sendCredit = new SendCredit(msg.sendWindow);
    const source = new CreditedReadable<UDPReceivedMessage>({
      window: this.conn.limits.receiveWindow,
      size: (item) => item.data.byteLength,
      grant: (bytes) => {
        if (this.conn.isOpen && (this.state === 'open' || this.state === 'closing')) {
          this.conn.sendFrame(encodeCounter(Frame.Credit, this.id, bytes));
        }
      },
      cancel: () => this.readFinished(),
    });
    this.#source = source;
    this.#writable = new WritableStream<UDPMessage>(
      {
        start: (controller) => {
          this.#writableController = controller;
        },
        write: (message, controller) => this.#send(message, controller),
        close: () => this.writeFinished(),
        abort: () => this.writeFinished(),
      },
      { highWaterMark: 1 },
    );
    const info: UDPSocketOpenInfo = {
      readable: source.readable,
      writable: this.#writable,
      localAddress: msg.local.address,
      localPort: msg.local.port,
    };
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
        membership: (op, group, iface) => {
          const request = { t: op, id: this.id, group } as const;
          return this.conn.request(iface === undefined ? request : { ...request, interface: iface }).then(() => undefined);
        },
      });
      info.multicastController = this.#multicast;
    }
    return info;
  }

  async #send(message: UDPMessage, controller: WritableStreamDefaultController): Promise<void> {
    let payload: Uint8Array;
    let frame: Uint8Array;
    try {
      if (message === null || typeof message !== 'object') throw new TypeError('UDPSocket: a written chunk must be a UDPMessage object');
      if (message.data === undefined) throw new TypeError("UDPMessage: missing 'data' field.");
      const hasAddress = present(message.remoteAddress);
      const hasPort = present(message.remotePort);
      payload = toBytes(message.data, "UDPMessage: 'data'");
      if (hasAddress && hasPort) {
        if (this.#mode === 'connected') {
          throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must not be specified in 'connected' mode.");
        }
        const host = toDomString(message.remoteAddress, 'remoteAddress');
        const port = toUnsignedShort(message.remotePort, 'remotePort');
        if (present(message.dnsQueryType)) toEnum(message.dnsQueryType, 'dnsQueryType', ['ipv4', 'ipv6']);
        checkDatagramSize(payload);
        frame = encodeSendTo(this.id, host, port, payload);
      } else if (hasAddress || hasPort) {
        throw new TypeError("UDPMessage: either none or both 'remoteAddress' and 'remotePort' fields must be specified.");
      } else if (this.#mode === 'bound') {
        throw new TypeError("UDPMessage: 'remoteAddress' and 'remotePort' must be specified in 'bound' mode.");
      } else {
        if (present(message.dnsQueryType)) throw new TypeError("UDPMessage: 'dnsQueryType' must not be specified in 'connected' mode.");
        checkDatagramSize(payload);
        frame = encodeData(this.id, payload);
      }
    } catch (err) {
      this.writeFinished(err);
      throw err;
    }
    await this.#sendCredit.acquire(payload.byteLength, controller.signal);
    this.conn.sendFrame(frame);
    this.stats.bytesOut += payload.byteLength;
    this.stats.messagesOut++;
  }

  override onFrame(frame: DecodedFrame): void {
    if (frame.kind === Frame.Datagram) {
      this.stats.bytesIn += frame.payload.byteLength;
      this.stats.messagesIn++;
      const message: UDPReceivedMessage = { data: frame.payload.slice() };
      if (this.#mode === 'bound') {
        message.remoteAddress = frame.host;
        message.remotePort = frame.port;
      }
      if (this.#chunks) {
        message.seq = frame.seq;
        message.time = frame.time;
      }
      this.#source?.push(message);
    } else if (frame.kind === Frame.Ack) {
      this.#sendCredit.release(frame.bytes);
    }
  }

  protected override endStreams(error: unknown): void {
    this.#multicast?.reset();
    this.#sendCredit.fail(error ?? this.closedByGateway());
    if (error === undefined) {
      this.#source?.close();
      if (!this.writeDone) this.#writableController?.error(this.closedByGateway());
    } else {
      this.#source?.error(error);
      this.#writableController?.error(error);
    }
  }

  protected override locked(): boolean {
    return Boolean(this.#source?.readable.locked || this.#writable?.locked);
  }

  protected override shutStreams(reason: unknown): void {
    this.#multicast?.reset();
    const readable = this.#source?.readable;
    if (readable && this.#source!.open) readable.cancel(reason).catch(() => {});
    else this.readFinished();
    if (this.#writable && !this.writeDone) this.#writable.abort(reason).catch(() => {});
    else this.writeFinished();
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
    const conn = (new.target as typeof UDPSocket)[kConnection];
    if (!conn) throw new TypeError('UDPSocket is not bound to a gateway: use the UDPSocket of SocketGateway.connect()');
    const { request, mode, signal, chunks, onError } = bindRequest(options);
    this.#core = new UdpSocketCore(conn, mode, chunks);
    this.#core.onError = onError;
    this.#core.bind(request, signal);
  }

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
