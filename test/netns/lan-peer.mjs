// A host on the test LAN, run inside its own network namespace by test/netns/lan.test.ts:
//   ip netns exec NS node lan-peer.mjs ADDRESS TCP_PORT UDP_PORT GROUP
// It runs a TCP echo server on ADDRESS:TCP_PORT, receives UDP on 0.0.0.0:UDP_PORT (so it sees
// unicast, directed broadcast and multicast to GROUP, joined on ADDRESS's interface), and
// reports every event as one JSON line on stdout. Commands arrive as JSON lines on stdin.
import dgram from 'node:dgram';
import net from 'node:net';
import readline from 'node:readline';

const [address, tcpPort, udpPort, group] = process.argv.slice(2);
const say = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const echo = net.createServer((s) => {
  say({ event: 'tcp-accept', from: s.remoteAddress });
  s.on('error', () => {});
  s.pipe(s);
});
echo.listen(Number(tcpPort), address);

const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
udp.on('message', (msg, rinfo) => say({ event: 'udp', text: msg.toString(), from: rinfo.address, port: rinfo.port }));
udp.bind(Number(udpPort), '0.0.0.0', () => {
  udp.addMembership(group, address);
  udp.setMulticastInterface(address);
  say({ event: 'ready' });
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  if (cmd.cmd === 'udp') {
    udp.send(cmd.text, cmd.port, cmd.host, (err) => say({ event: 'sent', error: err?.code }));
  } else if (cmd.cmd === 'tcp') {
    const s = net.connect({ host: cmd.host, port: cmd.port, localAddress: address }, () => s.write(cmd.text));
    s.on('data', (d) => say({ event: 'tcp-data', text: d.toString() }));
    s.on('error', (e) => say({ event: 'tcp-error', code: e.code }));
  } else if (cmd.cmd === 'exit') {
    process.exit(0);
  }
});
