/** What `GET /api/labs` says about one running built-in lab service (gateway and page share this shape). */
export interface LabServiceInfo {
  /** Stable name: `tcp-echo`, `udp-echo`, `upper`, `chat`, `burst`, `bulk`; the course shapes `loop`, `threaded`, `select`. */
  name: string;
  transport: 'tcp' | 'udp';
  host: string;
  port: number;
  /** One-line English title for the page. */
  title: string;
  /** Request grammar in one line (empty for services that take any bytes). */
  usage: string;
  /** Open connections (TCP) or distinct peers seen (UDP); for the course shapes, connections the kernel holds for it. */
  clients: number;
  /**
   * TCP, from the kernel (Linux /proc/net/tcp): connections completed by the kernel and waiting in
   * the listen socket's accept queue (the LISTEN row's rx_queue), not yet returned by `accept()`.
   */
  acceptQueue?: number;
  /** The backlog the service listens with (`listen(5)`); the kernel queues at most backlog + 1. */
  backlog?: number;
  /** TCP: connections to it still in SYN_SENT (their SYN was dropped, e.g. because the accept queue is full). */
  synSent?: number;
}
