import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabServices } from '../../server/labs/lab-services.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';
import type { AcceptedMsg, OpenedMsg } from '../../shared/protocol.js';
import { expectReply, gatewayWithPage, newId, recv, sleep } from './fixture.js';

/**
 * The course's own client code (Python 3 `socket`, `struct`, `json`) against the lab services:
 * proves the headers are byte-for-byte what `struct.pack('i')`, `'!I'` and `json.dumps` produce.
 */
const CLIENT = String.raw`
import json, socket, struct, sys
bulk, burst = int(sys.argv[1]), int(sys.argv[2])

def recv_exact(s, n):
    data = b''
    while len(data) < n:
        part = s.recv(min(1024, n - len(data)))
        if not part: raise EOFError('closed early')
        data += part
    return data

out = {}
s = socket.create_connection(('127.0.0.1', bulk))
s.sendall(b'bulk 5000 len\n')
n = struct.unpack('i', recv_exact(s, 4))[0]
out['len'] = [n, recv_exact(s, n)[:13].decode()]
s.sendall(b'bulk 3000 json\n')
hlen = struct.unpack('i', recv_exact(s, 4))[0]
header = json.loads(recv_exact(s, hlen).decode())
out['json'] = [header, len(recv_exact(s, header['total_size']))]
s.sendall(b'bulk 700 !I\n')
n = struct.unpack('!I', recv_exact(s, 4))[0]
out['net'] = [n, len(recv_exact(s, n))]
s.close()

s = socket.create_connection(('127.0.0.1', burst))
s.sendall(b'burst 5 hi json\n')
msgs = []
for _ in range(5):
    hlen = struct.unpack('i', recv_exact(s, 4))[0]
    h = json.loads(recv_exact(s, hlen))
    msgs.append(recv_exact(s, h['total_size']).decode())
out['burst'] = msgs
s.close()
print(json.dumps(out))
`;

describe('Python 3 course clients against the lab services', () => {
  const labs = new LabServices();
  let services: LabServiceInfo[];
  beforeAll(async () => void (services = await labs.start()));
  afterAll(() => labs.stop());

  it('decode the bulk and burst replies with struct and json exactly as the course does', async () => {
    const port = (name: string) => String(services.find((s) => s.name === name)!.port);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', CLIENT, port('bulk'), port('burst')], { timeout: 10_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
    );
    expect(JSON.parse(stdout)).toEqual({
      len: [5000, '#1 line 0001 '],
      json: [{ total_size: 3000 }, 3000],
      net: [700, 700],
      burst: ['hi 1', 'hi 2', 'hi 3', 'hi 4', 'hi 5'],
    });
  });

  it("a Python client's two back-to-back send()s come out of the page's manual recv(1024) as one read", async () => {
    const { page, close } = await gatewayWithPage();
    try {
      const server = newId();
      const opened = expectReply(await page.request({ t: 'tcp.listen', id: server, host: '127.0.0.1', port: 0 }), 'opened') as OpenedMsg;
      const acceptedP = page.next((m) => m.t === 'accepted' && m.server === server);
      const python = new Promise<string>((resolve, reject) =>
        execFile(
          'python3',
          ['-c', "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.send(b'hello')\ns.send(b'world')\nprint(s.recv(1024).decode())", String(opened.local.port)],
          { timeout: 10_000 },
          (err, out) => (err ? reject(err) : resolve(out.trim())),
        ),
      );
      const accepted = (await acceptedP) as AcceptedMsg;
      expectReply(await page.request({ t: 'set', id: accepted.id, manualRecv: true }), 'ok');
      page.credit(accepted.id, 1 << 20);
      await sleep(100);
      const got = await recv(page, accepted.id, 1024);
      expect(got.data.toString()).toBe('helloworld');
      page.write(accepted.id, Buffer.from(got.data.toString().toUpperCase()));
      expect(await python).toBe('HELLOWORLD');
    } finally {
      await close();
    }
  });
});
