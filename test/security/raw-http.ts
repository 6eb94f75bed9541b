import net from 'node:net';

/** One HTTP reply read off a raw socket: status 0 when the gateway closed without answering. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/** Parses the first response in `raw` (headers lower-cased, repeated ones joined with '\n'). */
export function parseReply(raw: string): RawReply {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const k = line.slice(0, colon).trim().toLowerCase();
    const v = line.slice(colon + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}\n${v}`;
  }
  return { status: m ? Number(m[1]) : 0, headers, body: end < 0 ? '' : raw.slice(end + 4), raw };
}

/**
 * Writes `request` as raw bytes to the gateway and reads its reply: until the gateway closes, the
 * body reaches its Content-Length, a 101 arrives, or `timeoutMs` (then what arrived so far).
 * `end` half-closes after the request, so a gateway waiting for more bytes answers at once.
 */
export function rawExchange(port: number, request: string | Buffer, timeoutMs = 3_000, end = false): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(raw));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('connect', () => (end ? socket.end(request) : socket.write(request)));
    socket.on('data', (chunk) => {
      raw += chunk.toString('latin1');
      const reply = parseReply(raw);
      if (reply.status === 101) return finish();
      const length = reply.headers['content-length'];
      if (reply.status && length !== undefined && Buffer.byteLength(reply.body, 'latin1') >= Number(length)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}
