/** What `GET /api/labs` says about one running built-in lab service (gateway and page share this shape). */
export interface LabServiceInfo {
  /** Stable name: `tcp-echo`, `udp-echo`, `upper`, `chat`, `burst`, `bulk`. */
  name: string;
  transport: 'tcp' | 'udp';
  host: string;
  port: number;
  /** One-line English title for the page. */
  title: string;
  /** Request grammar in one line (empty for services that take any bytes). */
  usage: string;
  /** Open connections (TCP) or distinct peers seen (UDP). */
  clients: number;
}
