import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../../server/gateway.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';

type Listing = { running: boolean; services: LabServiceInfo[] };

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

describe('lab services HTTP API', () => {
  it('is token-protected, starts the services on request, lists their ports, and stops them with the gateway', async () => {
    const gateway = await startGateway({ port: 0, audit: null });
    const auth = { Authorization: `Bearer ${gateway.token}` };
    try {
      expect((await fetch(`${gateway.origin}/api/labs`)).status).toBe(401);
      expect((await fetch(`${gateway.origin}/api/labs/start`, { method: 'POST' })).status).toBe(401);
      const before = (await (await fetch(`${gateway.origin}/api/labs`, { headers: auth })).json()) as Listing;
      expect(before).toEqual({ running: false, services: [] });

      const started = (await (await fetch(`${gateway.origin}/api/labs/start`, { method: 'POST', headers: auth })).json()) as Listing;
      expect(started.running).toBe(true);
      expect(started.services.map((s) => `${s.name}/${s.transport}`)).toEqual(['tcp-echo/tcp', 'udp-echo/udp', 'upper/tcp', 'chat/tcp', 'burst/tcp', 'bulk/tcp']);
      const listed = (await (await fetch(`${gateway.origin}/api/labs?token=${gateway.token}`)).json()) as Listing;
      expect(listed.services.map((s) => s.port)).toEqual(started.services.map((s) => s.port));

      const stopped = (await (await fetch(`${gateway.origin}/api/labs/stop`, { method: 'POST', headers: auth })).json()) as Listing;
      expect(stopped).toEqual({ running: false, services: [] });
      expect(await refused(started.services[0]!.port)).toBe(true);

      const again = (await (await fetch(`${gateway.origin}/api/labs/start`, { method: 'POST', headers: auth })).json()) as Listing;
      await gateway.close();
      for (const s of again.services.filter((x) => x.transport === 'tcp')) expect(await refused(s.port)).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('starts them with the gateway when options.labs is set (the --labs flag)', async () => {
    const gateway = await startGateway({ port: 0, audit: null, labs: true });
    try {
      const listing = (await (await fetch(`${gateway.origin}/api/labs`, { headers: { Authorization: `Bearer ${gateway.token}` } })).json()) as Listing;
      expect(listing.running).toBe(true);
      expect(listing.services).toHaveLength(6);
    } finally {
      await gateway.close();
    }
  });
});
