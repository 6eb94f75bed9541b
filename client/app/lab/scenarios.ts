/**
 * The six guided scenarios of the sticky-packet lab: each is a preset of the lab's knobs plus the
 * messages to send, run over real sockets (the page's own loopback server and a client connected
 * to it, so the page sees both the writes and the reads). Texts are `msg()` calls, looked up when
 * rendered so switching language re-renders them.
 */
import { msg } from '../i18n.js';
import type { LabFramingName } from './stream-model.js';

/** The scenario ids, in the order the page lists them. */
export const SCENARIO_IDS = ['two-sends', 'big-reply', 'slow-reader', 'length-header', 'json-header', 'sleep'] as const;
/** One of {@link SCENARIO_IDS}. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** One message a scenario sends. */
export interface ScenarioMessage {
  text: string;
  /** Label in the picture (defaults to the text). */
  label?: string;
  /** Extra JSON header fields (json-header framing). */
  header?: Record<string, unknown>;
}

/** Knob settings and actions of one scenario. */
export interface Scenario {
  id: ScenarioId;
  title: () => string;
  /** Two or three sentences: what the user sees and why. */
  explain: () => string;
  /** What to look at once it ran (one sentence). */
  lookFor: () => string;
  /** The same in the course's Python (code is not translated). */
  python: string;
  /** `forward`: the client writes, the accepted socket reads; `reply`: the server side answers the client. */
  direction: 'forward' | 'reply';
  messages: ScenarioMessage[];
  sendFraming: LabFramingName;
  decodeFraming: LabFramingName;
  /** TCP_NODELAY on the sender (false = Nagle on). */
  noDelay: boolean;
  /** Cork the next N writes into one. */
  cork: number;
  /** Pause between two writes, ms (the course's `time.sleep`). */
  writeDelayMs: number;
  /** The receiver reads once per this many ms (0 = as data arrives). */
  readDelayMs: number;
  /** Manual `recv(n)`: the receiver reads with this n until everything is read (0 = off). */
  recvN: number;
}

/** Readable text like the output of `ls -l`, exactly `size` bytes. */
export function listingText(size: number, seed = 1): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const n = seed * 100 + i;
    const line = `-rw-r--r--  1 student  staff  ${String(1000 + ((n * 7919) % 9000)).padStart(5)} Nov 22 09:${String(i % 60).padStart(2, '0')} notes-${String(n).padStart(3, '0')}.txt\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('').slice(0, size);
}

/** Every scenario, with its texts in the current language. */
export function scenarios(): Scenario[] {
  const base = { noDelay: false, cork: 0, writeDelayMs: 0, readDelayMs: 0, recvN: 0, sendFraming: 'none', decodeFraming: 'none', direction: 'forward' } as const;
  return [
    {
      ...base,
      id: 'two-sends',
      python: `# client
s.send(b'hello')
s.send(b'world')

# server, busy for a moment
time.sleep(0.4)
data = conn.recv(1024)   # b'helloworld'`,
      title: () => msg('Two quick sends arrive as one read', { id: 'lab.scenario.two-sends.title' }),
      explain: () =>
        msg(
          'The client calls send("hello") and send("world") back to back, with Nagle on. TCP is a byte stream, not a message stream: by the time the server calls recv(), both are waiting in its buffer, so one recv() returns "helloworld". Nothing on the wire says where "hello" ended.',
          { id: 'lab.scenario.two-sends.explain' },
        ),
      lookFor: () => msg('Two coloured writes above, one read box below spanning both colours.', { id: 'lab.scenario.two-sends.look' }),
      messages: [{ text: 'hello' }, { text: 'world' }],
      readDelayMs: 400,
    },
    {
      ...base,
      id: 'big-reply',
      python: `# server: one reply, 5000 bytes
conn.send(output)

# client
data = s.recv(1024)   # 1024 bytes
# next command...
data = s.recv(1024)   # more of the OLD reply
# 5 recv() calls to drain it`,
      title: () => msg('Reply bigger than recv(1024)', { id: 'lab.scenario.big-reply.title' }),
      explain: () =>
        msg(
          'The server answers a command with 5,000 bytes in one send(). The client calls recv(1024), which returns at most 1,024 bytes: the rest stays in the buffer, and the next recv() — meant for the next command\'s reply — returns more of this old one. One message, five reads.',
          { id: 'lab.scenario.big-reply.explain' },
        ),
      lookFor: () => msg('One wide block above, cut into five reads below.', { id: 'lab.scenario.big-reply.look' }),
      direction: 'reply',
      messages: [{ text: listingText(5000), label: 'ls -l → 5000 B' }],
      recvN: 1024,
    },
    {
      ...base,
      id: 'slow-reader',
      python: `# client
for i in range(1, 7):
    s.send(f'msg {i};'.encode())
    time.sleep(0.12)

# server
while True:
    time.sleep(0.33)
    data = conn.recv(1024)  # 3 at once`,
      title: () => msg('Read slower than the sender', { id: 'lab.scenario.slow-reader.title' }),
      explain: () =>
        msg(
          'The client sends six short messages, one every 120 ms; the server only calls recv() every 330 ms. Each recv() returns whatever has piled up since the last one, so the reads cut the stream in places that have nothing to do with the messages.',
          { id: 'lab.scenario.slow-reader.explain' },
        ),
      lookFor: () => msg('Six writes above, fewer and wider reads below.', { id: 'lab.scenario.slow-reader.look' }),
      messages: ['msg 1;', 'msg 2;', 'msg 3;', 'msg 4;', 'msg 5;', 'msg 6;'].map((text) => ({ text })),
      writeDelayMs: 120,
      readDelayMs: 330,
    },
    {
      ...base,
      id: 'length-header',
      python: `# client
for m in (b'hello', b'world'):
    s.send(struct.pack('i', len(m)) + m)

# server: recv(4) may return < 4 bytes
def recv_exactly(sock, n):
    buf = b''
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part: raise EOFError
        buf += part
    return buf

n, = struct.unpack('i', recv_exactly(conn, 4))
msg = recv_exactly(conn, n)   # b'hello'`,
      title: () => msg('Fix it with a length header', { id: 'lab.scenario.length-header.title' }),
      explain: () =>
        msg(
          'Same two quick sends, but each message now starts with struct.pack("i", len(msg)): 4 bytes saying how long it is. The reads still merge them, yet the receiver reads 4 bytes, learns the length, and reads exactly that many: both messages come back intact.',
          { id: 'lab.scenario.length-header.explain' },
        ),
      lookFor: () => msg('Still one read — but the decoded row shows two ✓ messages.', { id: 'lab.scenario.length-header.look' }),
      messages: [{ text: 'hello' }, { text: 'world' }],
      sendFraming: 'length-i',
      decodeFraming: 'length-i',
      readDelayMs: 400,
    },
    {
      ...base,
      id: 'json-header',
      python: `# server
body = output.encode()
head = json.dumps({'cmd': cmd,
    'total_size': len(body)}).encode()
conn.send(struct.pack('i', len(head))
          + head + body)

# client (recv_exactly: loop on recv)
n, = struct.unpack('i', recv_exactly(s, 4))
head = json.loads(recv_exactly(s, n))
body = recv_exactly(s, head['total_size'])`,
      title: () => msg('Fix it with a JSON header', { id: 'lab.scenario.json-header.title' }),
      explain: () =>
        msg(
          'The course\'s final fix: send struct.pack("i", len(header)), then a JSON header such as {"cmd": "ls -l", "total_size": 3000}, then the body. The client reads with recv(1024) as before, but keeps reading until it has total_size bytes, so each reply is recovered whole however the reads cut it.',
          { id: 'lab.scenario.json-header.explain' },
        ),
      lookFor: () => msg('Four reads of at most 1,024 bytes, yet two ✓ replies: headers hatched, bodies whole.', { id: 'lab.scenario.json-header.look' }),
      direction: 'reply',
      messages: [
        { text: listingText(3000), label: 'ls -l → 3000 B', header: { cmd: 'ls -l' } },
        { text: listingText(600, 7), label: 'ls docs → 600 B', header: { cmd: 'ls docs' } },
      ],
      sendFraming: 'json-header',
      decodeFraming: 'json-header',
      recvN: 1024,
    },
    {
      ...base,
      id: 'sleep',
      python: `# client
s.send(b'hello')
time.sleep(0.2)   # "so they don't stick"
s.send(b'world')

# server, busy for 0.6 s
time.sleep(0.6)
data = conn.recv(1024)   # b'helloworld'`,
      title: () => msg('Why sleep() is not a fix', { id: 'lab.scenario.sleep.title' }),
      explain: () =>
        msg(
          'The client sleeps 200 ms between send("hello") and send("world"), hoping to keep them apart — and on an idle machine it often seems to work. But the server is busy and calls recv() only after 600 ms: both messages are waiting by then, and one recv() returns them together. Sleeping slows everyone down and fixes nothing; only framing marks where a message ends.',
          { id: 'lab.scenario.sleep.explain' },
        ),
      lookFor: () => msg('The writes are 200 ms apart, yet one read holds both.', { id: 'lab.scenario.sleep.look' }),
      messages: [{ text: 'hello' }, { text: 'world' }],
      writeDelayMs: 200,
      readDelayMs: 600,
    },
  ];
}
