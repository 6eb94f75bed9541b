/**
 * A TCP listener bound WITHOUT SO_REUSEADDR. Node (libuv) always sets SO_REUSEADDR on a listening
 * TCP socket on Linux, so a "plain" bind — the course's `socket.socket(); s.bind(); s.listen()` —
 * cannot be made from Node itself. A short Python 3 child makes it exactly so (the option is
 * never set, and the child reads it back to prove it), then hands the listening socket to the
 * gateway over Node's own IPC channel (SCM_RIGHTS, Node's `NODE_HANDLE` message), and exits.
 * The gateway then owns the very socket Python bound: a TIME_WAIT on the port makes the bind
 * fail with EADDRINUSE, as it does for the course's programs.
 */
import { spawn } from 'node:child_process';
import type net from 'node:net';
import { ErrorCode } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';

/** How long the helper may take (start, bind, hand over). */
const HELPER_TIMEOUT_MS = 5000;

/** The Python 3 that makes the plain bind (`SOCKGATE_PYTHON` overrides, read at each call). */
const python = () => process.env.SOCKGATE_PYTHON || 'python3';

// argv: host port backlog v6only. Binds with no SO_REUSEADDR, sends the fd as Node's net.Server handle.
const SCRIPT = `
import array, errno, json, os, socket, sys
host, port, backlog, v6only = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == '1'
ch = socket.socket(fileno=int(os.environ['NODE_CHANNEL_FD']))
def send(obj, fds=()):
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', fds))] if fds else []
    ch.sendmsg([(json.dumps(obj) + '\\n').encode()], anc)
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
try:
    s.bind((host, port))
    s.listen(backlog)
except OSError as e:
    send({'error': errno.errorcode.get(e.errno, 'E%d' % e.errno), 'message': e.strerror})
    sys.exit(0)
reuse = s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
send({'cmd': 'NODE_HANDLE', 'type': 'net.Server', 'msg': {'soReuseAddr': reuse}}, [s.fileno()])
ch.settimeout(5)
try:
    ch.recv(4096)
except OSError:
    pass
`;

/** What the helper says when the bind failed. */
interface BindFailure {
  error: string;
  message: string;
}

/**
 * Binds and listens on host:port without SO_REUSEADDR (through python3) and resolves with a
 * listening net.Server over that socket. Rejects with the bind's own errno (EADDRINUSE …) or,
 * without python3, UNSUPPORTED saying so.
 */
export function listenWithoutReuseAddr(opts: { host: string; port: number; backlog: number; ipv6Only: boolean }): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const child = spawn(python(), ['-I', '-c', SCRIPT, opts.host, String(opts.port), String(opts.backlog), opts.ipv6Only ? '1' : '0'], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const finish = (err: Error | undefined, server?: net.Server) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.connected) child.disconnect();
      if (err) reject(err);
      else resolve(server!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new GatewayError(ErrorCode.Internal, `binding without SO_REUSEADDR: python3 did not hand over the socket within ${HELPER_TIMEOUT_MS / 1000} s`));
    }, HELPER_TIMEOUT_MS);
    child.once('error', (err: NodeJS.ErrnoException) =>
      finish(
        new GatewayError(
          ErrorCode.Unsupported,
          err.code === 'ENOENT'
            ? `binding without SO_REUSEADDR needs python3 on the gateway's host (not found: ${python()}): Node always sets SO_REUSEADDR on a listening TCP socket`
            : `binding without SO_REUSEADDR: python3 could not start: ${err.message}`,
        ),
      ),
    );
    child.on('message', (m: unknown, handle: unknown) => {
      if (handle) {
        // Plain fields of net.Server that @types/node does not declare; read at each accept.
        const server = handle as net.Server & { pauseOnConnect: boolean; allowHalfOpen: boolean };
        // The server Node made for the handle has default options; the gateway's listeners hold
        // accepted sockets paused until the page gives credit, and allow half-open connections.
        server.pauseOnConnect = true;
        server.allowHalfOpen = true;
        return finish(undefined, server);
      }
      const f = m as BindFailure;
      const e = Object.assign(new Error(`bind ${opts.host}:${opts.port} without SO_REUSEADDR: ${f.message} (${f.error})`), { code: f.error });
      finish(e);
    });
    child.once('exit', (code) => finish(new GatewayError(ErrorCode.Internal, `binding without SO_REUSEADDR: python3 exited (${code}) without a socket: ${stderr.trim().split('\n').at(-1) ?? ''}`)));
  });
}
