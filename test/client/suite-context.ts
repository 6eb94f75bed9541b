/**
 * What the library suite's cases share: the loopback peers the Node side provides, the context a
 * runner (Node or Chromium) hands each case, and the helpers that open and close a gateway.
 */
import type { SocketGateway, SocketGatewayConnectOptions } from '../../client/lib/index.js';

export interface SuitePeers {
  /** TCP echo server on 127.0.0.1; its port. */
  echoServer(): Promise<number>;
  /** A TLS echo server with a self-signed certificate for `localhost`; 0 where none can be made. */
  tlsEchoServer(): Promise<number>;
  /** A loopback port nothing listens on. */
  closedPort(): Promise<number>;
  /** Reads until the page's FIN, answers the upper-cased text, then ends. */
  upperOnFinServer(): Promise<number>;
  /** Sends `greeting`, ends its side at once, and records what arrives until the page's FIN. */
  finFirstServer(greeting: string): Promise<number>;
  /** What a finFirstServer on `port` received, once the page has ended. */
  finFirstReceived(port: number): Promise<string>;
  /** Accepts and does not read until told. */
  stallServer(): Promise<number>;
  stallStartReading(port: number): Promise<void>;
  /** Writes `total` pattern bytes to whoever connects, then ends. */
  floodServer(total: number): Promise<number>;
  /** Connects to `port`, writes `total` pattern bytes, then ends; returns an id for floodProgress. */
  floodClient(port: number, total: number): Promise<number>;
  /** Bytes a floodServer (by port) or floodClient (by id) handed to the kernel so far. */
  floodProgress(port: number): Promise<number>;
  /** Resets the connection (RST) as soon as the page sends anything. */
  resetServer(): Promise<number>;
  /** Connects to `port`, writes `text`, half-closes, returns everything received until FIN. */
  tcpExchange(port: number, text: string): Promise<string>;
  /** A UDP socket on 127.0.0.1 that records datagrams; its port. */
  udpPeer(): Promise<number>;
  udpSend(fromPort: number, toPort: number, text: string): Promise<void>;
  /** Waits for `count` datagrams on a udpPeer and returns them. */
  udpReceived(port: number, count: number): Promise<Array<{ text: string; address: string; port: number }>>;
  /** Memory in use by the Node process (gateway), bytes. */
  memory(): Promise<number>;
  /** Sockets the gateway holds for all pages. */
  gatewaySockets(): Promise<number>;
}

export interface SuiteContext {
  /** Connects to the gateway under test (the Node runner passes url, token and `ws`). */
  connect(options?: SocketGatewayConnectOptions): Promise<SocketGateway>;
  peers: SuitePeers;
  /** 'node' or 'browser', for the few places that differ (memory of the page). */
  runtime: 'node' | 'browser';
}

export interface SuiteCase {
  name: string;
  run(ctx: SuiteContext): Promise<void>;
}

/** Runs `body` with a fresh gateway connection and closes it afterwards. */
export async function withGateway(ctx: SuiteContext, body: (gw: SocketGateway) => Promise<void>): Promise<void> {
  const gw = await ctx.connect();
  try {
    await body(gw);
  } finally {
    await gw.close();
  }
}

/** Closes a socket whose streams may still be locked by readers or writers we hold. */
export async function closeQuietly(socket: { close(): Promise<void> }): Promise<void> {
  await socket.close().catch(() => {});
}
