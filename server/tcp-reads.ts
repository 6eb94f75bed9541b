import net from 'node:net';

/** Bytes one kernel read may bring: Node's own read size for a socket. */
export const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Where a socket made by {@link connectSharingReads} hands its reads: a view of the shared buffer,
 * valid only until the function returns.
 */
export type ReadSink = (view: Buffer) => void;

const kShared = Symbol('sockgate.sharedReads');
const kSink = Symbol('sockgate.readSink');
const kEarly = Symbol('sockgate.earlyRead');

interface SharedReadSocket extends net.Socket {
  /** Made by {@link connectSharingReads} (Node does not say publicly whether a socket has `onread`). */
  [kShared]?: true;
  [kSink]?: ReadSink;
  /** A read that came before anyone took the socket's reads (one at most: the socket pauses on it). */
  [kEarly]?: Buffer;
}

/**
 * One read buffer for every dialled socket of the gateway. Node hands a socket's read to its
 * `onread` callback synchronously and reads the next one into the same memory only after that
 * callback returned, so one buffer serves all sockets as long as every sink copies what it keeps.
 *
 * Why: by default Node allocates a fresh ArrayBuffer for each read (64 KiB while a stream is
 * busy). The relay copies each read into its Chunk frame anyway, so that buffer was garbage at
 * once — but outside V8's heap, where it counts as external memory: at a few hundred MB/s that
 * pressure, not JS allocation, set the pace of V8's major (mark-compact) collections, about a
 * quarter of the gateway's CPU in a 16-stream bulk run (bench/README, optimisation log 16).
 */
const shared = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** `net.connect(options)` whose reads land in the shared buffer and go to the sink {@link takeReads} sets. */
export function connectSharingReads(options: net.NetConnectOpts): net.Socket {
  const socket = net.connect({ ...options, onread: { buffer: shared, callback: onRead } }) as SharedReadSocket;
  socket[kShared] = true;
  return socket;
}

/** Node calls this with the socket as `this`; returning false would stop reads behind the stream's back, so it never does. */
function onRead(this: SharedReadSocket, bytes: number, buffer: Uint8Array): boolean {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
  const sink = this[kSink];
  if (sink) sink(view);
  else {
    // Nobody reads yet (the relay is made after the connect resolves): keep this read, stop reading.
    this[kEarly] = Buffer.concat([this[kEarly] ?? Buffer.alloc(0), view]);
    this.pause();
  }
  return true;
}

/**
 * Sends `socket`'s reads to `sink`: a socket made by {@link connectSharingReads} through the
 * shared buffer (a read that came early first), any other through its 'data' events.
 */
export function takeReads(socket: net.Socket, sink: ReadSink): void {
  const s = socket as SharedReadSocket;
  if (!s[kShared]) {
    socket.on('data', sink);
    return;
  }
  s[kSink] = sink;
  const early = s[kEarly];
  if (early) {
    s[kEarly] = undefined;
    sink(early);
  }
}
