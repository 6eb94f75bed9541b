/**
 * The library suite in Node: SocketGateway over `ws` against a real gateway in this process,
 * with real loopback peers.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { WebSocket } from 'ws';
import { SocketGateway } from '../../client/lib/index.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { createSuitePeers } from '../helpers/suite-peers.js';
import { librarySuite, type SuiteContext } from './library-suite.js';

let gateway: Gateway;
let peers: ReturnType<typeof createSuitePeers>;

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
});
afterAll(async () => {
  await gateway?.close();
});
afterEach(async () => {
  await peers?.dispose();
});

describe('client library (Node, ws)', () => {
  for (const testCase of librarySuite) {
    it(testCase.name, { timeout: 30_000 }, async () => {
      peers = createSuitePeers(() => gateway.stats().sockets);
      const ctx: SuiteContext = {
        runtime: 'node',
        peers,
        connect: (options = {}) => SocketGateway.connect(gateway.origin, { token: gateway.token, WebSocket, ...options }),
      };
      await testCase.run(ctx);
    });
  }
});
