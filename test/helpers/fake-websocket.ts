/**
 * A scripted stand-in for a WebSocket (noVNC-style injected transport): tests push gateway
 * messages into it and read what the library sent, with no network at all.
 */
export class FakeWebSocket extends EventTarget {
  static last: FakeWebSocket | undefined;
  binaryType = 'blob';
  readyState = 0;
  protocol = '';
  bufferedAmount = 0;
  readonly sent: Array<string | Uint8Array> = [];

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    super();
    FakeWebSocket.last = this;
  }

  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }

  /** The gateway accepts the upgrade. */
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  /** A message from the gateway: JSON for objects, binary for bytes. */
  receive(message: object | Uint8Array): void {
    const data = message instanceof Uint8Array ? message.slice().buffer : JSON.stringify(message);
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }

  /** Control messages sent so far, parsed. */
  json(): Array<Record<string, unknown>> {
    return this.sent.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s));
  }
}

export const welcome = {
  t: 'welcome',
  version: 1,
  gateway: 'sockgate/test',
  limits: {
    socketsPerPage: 8,
    receiveWindow: 1000,
    sendWindow: 1000,
    controlMessageBytes: 16384,
    frameBytes: 105,
    connectTimeoutMs: 1000,
    idleTimeoutMs: 0,
    udpDatagramsPerSecond: 1000,
  },
};
