import { afterAll, beforeAll } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { echoServer } from './peers.js';

/** An in-process gateway and a TCP echo on loopback for one test file: started before its tests, stopped after them. */
export function gatewayFixture(): { readonly gw: Gateway; readonly echoPort: number } {
  const f = {} as { gw: Gateway; echo: Awaited<ReturnType<typeof echoServer>> };
  beforeAll(async () => {
    [f.gw, f.echo] = await Promise.all([startGateway({ port: 0, audit: null }), echoServer()]);
  });
  afterAll(async () => {
    await f.gw?.close();
    f.echo?.close();
  });
  return {
    get gw() {
      return f.gw;
    },
    get echoPort() {
      return f.echo.port;
    },
  };
}
