/**
 * The UDP scenarios beside the sticky-packet ones (issue 16 item 7): the same sends as the TCP
 * scenarios, over UDP, where every sendto() is one datagram and every recvfrom(n) returns one —
 * cut to n bytes when it is longer, the rest discarded.
 */
import { msg } from '../i18n.js';
import { listingText, type ScenarioMessage } from './scenarios.js';

/** The UDP scenario ids, in the order the page lists them. */
export const UDP_SCENARIO_IDS = ['udp-two-sends', 'udp-six-sends', 'udp-truncate'] as const;
/** One of {@link UDP_SCENARIO_IDS}. */
export type UdpScenarioId = (typeof UDP_SCENARIO_IDS)[number];
/** Whether `id` names a UDP scenario. */
export const isUdpScenario = (id: string): id is UdpScenarioId => (UDP_SCENARIO_IDS as readonly string[]).includes(id);

/** One UDP scenario: datagrams to send and the reader's recvfrom size. */
export interface UdpScenario {
  id: UdpScenarioId;
  title: () => string;
  explain: () => string;
  lookFor: () => string;
  python: string;
  messages: ScenarioMessage[];
  /** Pause between two sendto() calls, ms. */
  gapMs: number;
  /** The reader's `recvfrom(n)`. */
  recvN: number;
}

/** Every UDP scenario, with its texts in the current language. */
export function udpScenarios(): UdpScenario[] {
  return [
    {
      id: 'udp-two-sends',
      python: `# sender (SOCK_DGRAM)
s.sendto(b'hello', addr)
s.sendto(b'world', addr)

# receiver
data, peer = r.recvfrom(1024)  # b'hello'
data, peer = r.recvfrom(1024)  # b'world'`,
      title: () => msg('UDP: two quick sends stay two', { id: 'lab.udp.two.title' }),
      explain: () =>
        msg(
          'The same two back-to-back sends as the first TCP scenario, over UDP. Each sendto() is one datagram, and each recvfrom() returns exactly one datagram: the boundaries the sender made are the ones the receiver sees. There is nothing to stick together.',
          { id: 'lab.udp.two.explain' },
        ),
      lookFor: () => msg('Two writes above, two reads below, each the same width: two ✓ messages.', { id: 'lab.udp.two.look' }),
      messages: [{ text: 'hello' }, { text: 'world' }],
      gapMs: 0,
      recvN: 1024,
    },
    {
      id: 'udp-six-sends',
      python: `# sender
for i in range(1, 7):
    s.sendto(f'msg {i};'.encode(), addr)
    time.sleep(0.12)

# receiver
while True:
    data, peer = r.recvfrom(1024)  # one each`,
      title: () => msg('UDP: six sends, six reads', { id: 'lab.udp.six.title' }),
      explain: () =>
        msg(
          'Six short messages, one every 120 ms, as in the slow-reader TCP scenario. Over UDP each one is read on its own, whatever the timing: a datagram is delivered whole or not at all. (UDP may lose or reorder datagrams on a real network; on loopback it does neither.)',
          { id: 'lab.udp.six.explain' },
        ),
      lookFor: () => msg('Six writes, six reads, no read touches two colours.', { id: 'lab.udp.six.look' }),
      messages: ['msg 1;', 'msg 2;', 'msg 3;', 'msg 4;', 'msg 5;', 'msg 6;'].map((text) => ({ text })),
      gapMs: 120,
      recvN: 1024,
    },
    {
      id: 'udp-truncate',
      python: `# sender: one 3000-byte datagram, then 600
s.sendto(output, addr)
s.sendto(more, addr)

# receiver
data, peer = r.recvfrom(1024)
# first 1024 bytes; the other 1976 are GONE
data, peer = r.recvfrom(1024)
# the NEXT datagram, whole (600 bytes)
# Windows: OSError [WinError 10040] instead`,
      title: () => msg('UDP: a datagram bigger than recvfrom(1024) is cut', { id: 'lab.udp.cut.title' }),
      explain: () =>
        msg(
          'The 3,000-byte reply of the big-reply TCP scenario, now as one datagram, read with recvfrom(1024). TCP kept the rest for the next recv(); UDP does not: recvfrom returns the first 1,024 bytes and the kernel discards the other 1,976. The next recvfrom() returns the next datagram. Read with a buffer as big as the biggest datagram (65,507 bytes at most over IPv4).',
          { id: 'lab.udp.cut.explain' },
        ),
      lookFor: () => msg('Read #1 is 1,024 B and ✗; the hatched part after it was discarded; read #2 is the second datagram, ✓.', { id: 'lab.udp.cut.look' }),
      messages: [
        { text: listingText(3000), label: 'ls -l → 3000 B' },
        { text: listingText(600, 7), label: 'ls docs → 600 B' },
      ],
      gapMs: 0,
      recvN: 1024,
    },
  ];
}
