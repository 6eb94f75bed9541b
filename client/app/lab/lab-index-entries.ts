/**
 * Every lab of the course, for the lab index (issue 16 item 9): the course's code shape (not
 * translated), the one click that sets it up, what to look at, and — where the course's text says
 * something the kernel does not do — what really happens.
 */
import { msg } from '../i18n.js';
import type { ReceiverSettings } from '../receiver-settings.js';
import type { LabSetup } from './lab-setup-event.js';

/** A built-in lab service a setup connects to (its port is only known once started). */
export type ServiceName = 'tcp-echo' | 'udp-echo' | 'upper' | 'chat' | 'bulk';

/** How an entry is set up: a setup as is, or a TCP client to a built-in service. */
export type EntrySetup = LabSetup | { view: 'service'; service: ServiceName; receiver?: Partial<ReceiverSettings> };

/** One line of the index. */
export interface LabEntry {
  id: string;
  title: () => string;
  code: string;
  setup: EntrySetup;
  look: () => string;
  truth?: () => string;
}

const udp = (address: string, port: number | undefined, broadcast = false): EntrySetup => ({ view: 'workspace', request: { kind: 'udp', options: { address, ...(port ? { port } : {}), broadcast } } });

/** The entries, in the course's order. */
export function labEntries(): LabEntry[] {
  return [
    {
      id: 'tcp-echo',
      title: () => msg('TCP echo', { id: 'lab.idx.tcpEcho.title' }),
      code: `conn, addr = s.accept()
while True:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)`,
      setup: { view: 'service', service: 'tcp-echo' },
      look: () => msg('Every read is its own log line: send twice quickly and see whether they come back as one read.', { id: 'lab.idx.tcpEcho.look' }),
      truth: () => msg('recv() returning b\'\' means the peer sent FIN (it closed its side), not "no data yet".', { id: 'lab.idx.tcpEcho.truth' }),
    },
    {
      id: 'udp-echo',
      title: () => msg('UDP echo', { id: 'lab.idx.udpEcho.title' }),
      code: `data, addr = s.recvfrom(1024)
s.sendto(data, addr)`,
      setup: udp('127.0.0.1', undefined),
      look: () => msg('Send to the udp-echo service (its address is listed at the top of this page once the services run); each datagram comes back whole, with its source in the peers table.', { id: 'lab.idx.udpEcho.look' }),
    },
    {
      id: 'upper',
      title: () => msg('Upper-case server (socketserver)', { id: 'lab.idx.upper.title' }),
      code: `class H(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024)
        self.request.sendall(data.upper())`,
      setup: { view: 'service', service: 'upper' },
      look: () => msg('Open it twice: both are answered at once (one thread each).', { id: 'lab.idx.upper.look' }),
    },
    {
      id: 'chat',
      title: () => msg('Chat room', { id: 'lab.idx.chat.title' }),
      code: `for c in clients:
    if c is not sender:
        c.send(line)`,
      setup: { view: 'service', service: 'chat' },
      look: () => msg('Open two clients and talk between them; /nick and /who work.', { id: 'lab.idx.chat.look' }),
    },
    {
      id: 'remote-command',
      title: () => msg('Remote command with struct \'i\'', { id: 'lab.idx.remote.title' }),
      code: `out = run(cmd)
conn.send(struct.pack('i', len(out)))
conn.send(out)`,
      setup: { view: 'service', service: 'bulk', receiver: { manual: true, recvN: 1024 } },
      look: () =>
        msg(
          'The socket opens reading like the course\'s client, recv(1024) on each press. Send "bulk 5000", press recv(1024), send it again and press: the rest of the first reply comes back as the answer to the second. Then send "bulk 5000 len", turn manual off and choose struct \'i\' framing: each reply is one decoded line; open it to read it whole.',
          { id: 'lab.idx.remote.look' },
        ),
    },
    {
      id: 'json-header',
      title: () => msg('JSON header + body (file transfer)', { id: 'lab.idx.json.title' }),
      code: `head = json.dumps({'total_size': n}).encode()
conn.send(struct.pack('i', len(head)) + head)
conn.send(body)`,
      setup: { view: 'lab', scenario: 'json-header' },
      look: () => msg('Four reads of at most 1,024 bytes, yet both replies decode whole.', { id: 'lab.idx.json.look' }),
    },
    {
      id: 'sticky',
      title: () => msg('Sticky packets', { id: 'lab.idx.sticky.title' }),
      code: `s.send(b'hello')
s.send(b'world')
conn.recv(1024)   # b'helloworld'`,
      setup: { view: 'lab', scenario: 'two-sends' },
      look: () => msg('Two coloured writes, one read box across both.', { id: 'lab.idx.sticky.look' }),
      truth: () => msg('sleep() between sends is no fix: a busy receiver still reads both at once. Only framing marks where a message ends.', { id: 'lab.idx.sticky.truth' }),
    },
    {
      id: 'udp-boundaries',
      title: () => msg('UDP keeps boundaries', { id: 'lab.idx.udpBound.title' }),
      code: `s.sendto(big, addr)       # 3000 bytes
r.recvfrom(1024)          # 1024; the rest is gone`,
      setup: { view: 'lab', scenario: 'udp-truncate' },
      look: () => msg('One read per datagram; the part beyond recvfrom(1024) is drawn as discarded.', { id: 'lab.idx.udpBound.look' }),
    },
    {
      id: 'udp-chat',
      title: () => msg('UDP chat', { id: 'lab.idx.udpChat.title' }),
      code: `s.bind(('', 8080))
while True:
    msg, addr = s.recvfrom(1024)`,
      setup: udp('127.0.0.1', undefined),
      look: () => msg('No connection: every datagram names its sender, and the peers table lists who spoke.', { id: 'lab.idx.udpChat.look' }),
    },
    {
      id: 'broadcast',
      title: () => msg('UDP broadcast', { id: 'lab.idx.broadcast.title' }),
      code: `s.setsockopt(SOL_SOCKET, SO_BROADCAST, 1)
s.sendto(data, ('255.255.255.255', 9000))`,
      setup: udp('0.0.0.0', undefined, true),
      look: () => msg('The composer\'s Broadcast… menu lists each interface\'s directed broadcast; the Subnets lab shows where they come from.', { id: 'lab.idx.broadcast.look' }),
      truth: () => msg('Without SO_BROADCAST the kernel refuses the send (EACCES, PermissionError in Python).', { id: 'lab.idx.broadcast.truth' }),
    },
    {
      id: 'feiq',
      title: () => msg('FeiQ / IPMSG', { id: 'lab.idx.feiq.title' }),
      code: `msg = '1:123:user:host:32:hello'
s.sendto(msg.encode('gbk'), (ip, 2425))`,
      setup: { view: 'course', lab: 'feiq' },
      look: () => msg('The FeiQ lab binds UDP 2425: each packet with its fields and flag names, the entry broadcast and who answered, a message and its RECVMSG receipt.', { id: 'lab.idx.feiq.look' }),
      truth: () => msg('FeiQ sends every message with SENDCHECKOPT (288 = 32 | 256) and expects RECVMSG back; the course\'s command 32 asks for no receipt, so none comes.', { id: 'lab.idx.feiq.truth' }),
    },
    {
      id: 'reuseaddr',
      title: () => msg('SO_REUSEADDR', { id: 'lab.idx.reuse.title' }),
      code: `s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 8080))`,
      setup: { view: 'lab', scenario: 'states' },
      look: () => msg('Close a connection from the server side and watch its TIME_WAIT entry in the live TCP states.', { id: 'lab.idx.reuse.look' }),
      truth: () => msg('On Linux a restart fails even with SO_REUSEADDR if the previous run did not set it: its TIME_WAIT entries keep the old setting.', { id: 'lab.idx.reuse.truth' }),
    },
    {
      id: 'timeouts',
      title: () => msg('Timeouts and non-blocking reads', { id: 'lab.idx.timeouts.title' }),
      code: `s.settimeout(2)
try: s.recv(1024)
except socket.timeout: ...`,
      setup: { view: 'service', service: 'tcp-echo', receiver: { manual: true, recvN: 1024, recvMode: 'timeout', recvTimeoutMs: 2000 } },
      look: () =>
        msg(
          'The socket opens with a manual recv(1024) and settimeout(2): press recv(1024) with nothing sent and socket.timeout comes after 2 s; choose non-blocking and it raises BlockingIOError at once; send something and the recv returns it.',
          { id: 'lab.idx.timeouts.look' },
        ),
      truth: () => msg('A timeout applies to each recv() call, not to the whole message.', { id: 'lab.idx.timeouts.truth' }),
    },
    {
      id: 'concurrency',
      title: () => msg('Loop, threaded and select/epoll servers', { id: 'lab.idx.conc.title' }),
      code: `r, w, x = select.select(socks, [], [])
for s in r: ...`,
      setup: { view: 'course', lab: 'concurrency' },
      look: () => msg('The loop server\'s second client is connected but waits in the accept queue.', { id: 'lab.idx.conc.look' }),
      truth: () => msg('accept() does not perform the handshake: the kernel has already connected the client before the server accepts.', { id: 'lab.idx.conc.truth' }),
    },
    {
      id: 'handshake',
      title: () => msg('Handshake and close', { id: 'lab.idx.hand.title' }),
      code: `s.connect(addr)   # SYN, SYN-ACK, ACK
s.close()         # FIN, ACK … TIME_WAIT`,
      setup: { view: 'lab', scenario: 'states' },
      look: () => msg('The live TCP states show ESTABLISHED, FIN_WAIT, CLOSE_WAIT and TIME_WAIT as they happen.', { id: 'lab.idx.hand.look' }),
      truth: () => msg('TIME_WAIT is held by whichever side closed first, not always the client.', { id: 'lab.idx.hand.truth' }),
    },
    {
      id: 'subnets',
      title: () => msg('Subnets', { id: 'lab.idx.subnets.title' }),
      code: `ip   = 192.168.9.193
mask = 255.255.255.128
net  = ip & mask   # 192.168.9.128`,
      setup: { view: 'course', lab: 'subnets' },
      look: () => msg('The AND in binary, network and host bits in two colours.', { id: 'lab.idx.subnets.look' }),
    },
    {
      id: 'http',
      title: () => msg('HTTP', { id: 'lab.idx.http.title' }),
      code: `s.send(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
print(s.recv(1024))`,
      setup: { view: 'course', lab: 'http' },
      look: () => msg('The response parsed beside its raw reads; curl hitting the page\'s own server.', { id: 'lab.idx.http.look' }),
    },
  ];
}
