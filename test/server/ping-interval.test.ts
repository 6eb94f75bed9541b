/**
 * `--ping-interval MS` (docs/DEPLOY.md: a proxy's read timeout must stay above it): parsed and
 * range-checked, and wired through to a real gateway process, whose heartbeat then drops a page
 * that stopped answering pings after about two intervals, not the default 15 s.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../shared/protocol.js';
import { ConfigError, parseCommandLine } from '../../server/config.js';
import { spawnGateway } from '../helpers/gateway-process.js';

describe('--ping-interval', () => {
  it('parses milliseconds and refuses values a proxy setup cannot mean', () => {
    expect(parseCommandLine(['--ping-interval', '30000']).heartbeatMs).toBe(30_000);
    expect(parseCommandLine([]).heartbeatMs).toBeUndefined();
    for (const bad of ['999', '3600001', '-5', '1e4', ''])
      expect(() => parseCommandLine(['--ping-interval', bad]), bad).toThrow(ConfigError);
  });

  it('drops a page that stops answering pings after about two intervals', async () => {
    const gp = await spawnGateway(['--port', '0', '--ping-interval', '1000', '--quiet'], { token: 'ping' });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${gp.port}/ws?token=ping`, SUBPROTOCOL, { autoPong: false });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      const t0 = Date.now();
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      expect(code).toBe(4002);
      expect(Date.now() - t0).toBeGreaterThan(900);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await gp.stop();
    }
  });
});
