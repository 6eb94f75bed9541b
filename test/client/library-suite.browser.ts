/**
 * Browser entry of the library suite: bundled by library.browser.test.ts into a page served from
 * the gateway's origin. Peers are the Node side's, reached through page.exposeFunction.
 */
import { SocketGateway } from '../../client/lib/index.js';
import { librarySuite, runCase, type SuiteContext, type SuitePeers } from './library-suite.js';

declare global {
  interface Window {
    __sockgatePeer(method: string, args: unknown[]): Promise<unknown>;
    __sockgateSuite: { names: string[]; run(name: string): Promise<{ ok: true } | { ok: false; error: string }> };
  }
}

const peers = new Proxy({} as SuitePeers, {
  get: (_target, method: string) => (...args: unknown[]) => window.__sockgatePeer(method, args),
});

const ctx: SuiteContext = {
  runtime: 'browser',
  peers,
  // A page the gateway served: url and token come from the page's own location.
  connect: (options) => SocketGateway.connect(undefined, options),
};

window.__sockgateSuite = {
  names: librarySuite.map((c) => c.name),
  async run(name) {
    try {
      await runCase(name, ctx);
      return { ok: true };
    } catch (error) {
      const e = error as { name?: string; sockgateCode?: string; message?: string; stack?: string };
      return { ok: false, error: `${e?.name}${e?.sockgateCode ? ` [${e.sockgateCode}]` : ''}: ${e?.message}\n${e?.stack ?? ''}` };
    }
  },
};
