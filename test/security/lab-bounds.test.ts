import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServiceInfo } from '../../shared/lab-services.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

/**
 * Issue 10 item 8: lab services are bounded per page. One page could take all 64 slots of a
 * service (shared by every page) and, not reading, pin 8 MiB per `bulk` reply (+561 MiB).
 */

let gp: GatewayProcess;
let bulkPort = 0;

function labs(): Promise<LabServiceInfo[]> {
  return new Promise((resolve, reject) => {
    http.get(`${gp.origin}/api/labs`, { headers: { authorization: `Bearer ${gp.token}` } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve((JSON.parse(body) as { services: LabServiceInfo[] }).services));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  gp = await spawnGateway(['--port', '0', '--quiet', '--labs']);
  bulkPort = (await labs()).find((s) => s.name === 'bulk')!.port;
});
afterAll(async () => {
  await gp?.stop();
});

describe('lab services per page', () => {
  it('a page gets at most 8 connections to one service; another page still gets in', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    for (let id = 1; id <= 9; id++) {
      expect(await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: bulkPort })).toMatchObject({ t: 'opened' });
    }
    // The ninth is accepted by TCP, then told why and closed by the service.
    await page.until(() => page.bytes(9).toString().includes('connections of this page'), 5_000);
    const other = await ProtocolClient.connect(gp.origin, gp.token);
    expect(await other.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: bulkPort })).toMatchObject({ t: 'opened' });
    other.write(1, Buffer.from('bulk 100\n'));
    await other.until(() => other.bytes(1).length === 100, 5_000);
    await other.close();
    await page.close();
  });

  it('8 MiB bulk replies to a page that does not read pin little memory: replies are made piece by piece', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    page.autoCredit = false;
    const before = gp.rss();
    for (let id = 1; id <= 8; id++) {
      expect(await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: bulkPort, credit: 0 })).toMatchObject({ t: 'opened' });
      page.write(id, Buffer.from('bulk 8388608\n'));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const growth = gp.rss() - before;
    // Kernel socket buffers hold what they hold; the gateway holds at most a piece per connection.
    expect(growth, `gateway RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(32 * 2 ** 20);
    await page.close();
  });
});
