/**
 * The course's three server shapes as the Python 3 programs the gateway really runs for the
 * concurrency lab (server/labs/python-lab-service.ts starts each with `python3 -I -u -c`), and the
 * page shows beside each column. They are the course's code, not a simulation: the loop server's
 * second client really waits in the kernel's accept queue. Node cannot show that itself: its
 * `net.Server` accepts every connection as soon as the kernel completes it.
 */

/** The names of the course-shape services, in the order the page shows them. */
export const COURSE_SERVER_NAMES = ['loop', 'threaded', 'select'] as const;
/** One of {@link COURSE_SERVER_NAMES}. */
export type CourseServerName = (typeof COURSE_SERVER_NAMES)[number];

/** `listen(5)`, as the course writes it. */
export const COURSE_BACKLOG = 5;

/**
 * Lines run before each program and not shown: it tells the gateway its port on stdout, and ends
 * when the gateway's end of stdin closes (the gateway died or stopped the lab), so no orphan stays.
 */
export const PYTHON_PRELUDE = `import os, sys, threading
def _watch_parent():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=_watch_parent, daemon=True).start()
def announce(port):
    print('PORT', port, flush=True)
`;

/** The course's code of each shape, exactly as it runs after {@link PYTHON_PRELUDE}. */
export const COURSE_SERVER_CODE: Record<CourseServerName, string> = {
  loop: `import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 0))
server.listen(5)
announce(server.getsockname()[1])

while True:                      # one client at a time
    conn, addr = server.accept()
    while True:
        try:
            data = conn.recv(1024)
        except ConnectionResetError:
            break
        if not data:             # b'': the client closed
            break
        conn.send(data.upper())
    conn.close()                 # only now: the next accept()
`,
  threaded: `import socketserver, threading

class MyHandler(socketserver.BaseRequestHandler):
    def handle(self):            # runs in its own thread
        while True:
            try:
                data = self.request.recv(1024)
            except ConnectionResetError:
                break
            if not data:
                break
            self.request.sendall(data.upper())

class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 5       # listen(5)
    def verify_request(self, request, addr):
        return threading.active_count() < 70   # at most ~64 clients

server = Server(('127.0.0.1', 0), MyHandler)
announce(server.server_address[1])
server.serve_forever()
`,
  select: `import select, socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 0))
server.listen(5)
server.setblocking(False)
announce(server.getsockname()[1])

rlist = [server]                 # one thread watches every socket
while True:
    readable, _, _ = select.select(rlist, [], [])
    for s in readable:
        if s is server:
            conn, addr = server.accept()
            if len(rlist) > 64:  # at most 64 clients
                conn.close()
                continue
            conn.setblocking(False)
            rlist.append(conn)
            continue
        try:
            data = s.recv(1024)
        except (ConnectionResetError, BlockingIOError):
            data = b''
        if data:
            s.send(data.upper())
        else:
            rlist.remove(s)
            s.close()
`,
};

/** One-line titles (English; the page has its own translated titles). */
export const COURSE_SERVER_TITLES: Record<CourseServerName, string> = {
  loop: 'Loop server (accept, serve to the end, next; listen(5))',
  threaded: 'Threaded server (socketserver.ThreadingTCPServer)',
  select: 'select() server (one thread, every socket)',
};
