/** Page-side figure (Chromium): filled in below. */
import type { PeerPorts } from './peers.js';

/** How many received chunks per second the page can show without dropping frames. */
export async function pageSide(_o: { gatewayPort: number; token: string; ports: PeerPorts; root: string }): Promise<Record<string, number | string>> {
  throw new Error('not yet');
}
