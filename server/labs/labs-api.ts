import type { Request, Response } from 'express';
import type { Gateway } from '../gateway-handle.js';
import { TcpStatesError, lookupTcpStates, parseEndpoint, readTcpTable, type TcpStateQuery } from '../tcp-states.js';
import { LabServices } from './lab-services.js';

/** Most sockets one `/api/tcp-states` request may ask about. */
export const MAX_STATE_QUERIES = 256;

const attached = new WeakMap<Gateway, LabServices>();

/**
 * Gives a gateway its lab services and their HTTP API (under /api, so the gateway's token guard
 * applies): `GET /api/labs`, `POST /api/labs/start`, `POST /api/labs/stop`, `GET /api/tcp-states`.
 * The services stop when the gateway closes. Calling it again returns the same services.
 */
export function attachLabs(gateway: Gateway): LabServices {
  const existing = attached.get(gateway);
  if (existing) return existing;
  const labs = new LabServices();
  attached.set(gateway, labs);
  const { api } = gateway;
  const report = (res: Response) => res.json({ running: labs.running, services: labs.list() });
  const fail = (res: Response, err: unknown) => res.status(500).json({ error: (err as Error).message, code: 'INTERNAL' });

  api.get('/labs', (_req, res) => report(res));
  api.post('/labs/start', (_req, res) => {
    labs.start().then(() => report(res), (err) => fail(res, err));
  });
  api.post('/labs/stop', (_req, res) => {
    labs.stop().then(() => report(res), (err) => fail(res, err));
  });
  // Express 5 passes a rejected promise to its error handler.
  api.get('/tcp-states', (req, res) => tcpStates(req, res));
  // Services close with the gateway, before its pages.
  gateway.onClose(() => labs.stop());
  return labs;
}

/** `GET /api/tcp-states?pair=LOCAL,REMOTE&pair=LOCAL…` */
async function tcpStates(req: Request, res: Response): Promise<void> {
  const raw = req.query.pair;
  const pairs = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  if (pairs.length > MAX_STATE_QUERIES) {
    res.status(400).json({ error: `at most ${MAX_STATE_QUERIES} pairs per request`, code: 'LIMIT' });
    return;
  }
  let queries: TcpStateQuery[];
  try {
    queries = pairs.map((p) => {
      const [local, remote, extra] = p.split(',');
      if (extra !== undefined || !local) throw new TcpStatesError(`pair "${p}" must be LOCAL or LOCAL,REMOTE`);
      return { local: parseEndpoint(local), ...(remote && { remote: parseEndpoint(remote) }) };
    });
  } catch (err) {
    if (!(err instanceof TcpStatesError)) throw err;
    res.status(400).json({ error: err.message, code: err.code });
    return;
  }
  const table = await readTcpTable();
  if (!table) {
    res.json({ available: false, reason: `live TCP states need Linux's /proc/net/tcp; this gateway runs on ${process.platform}` });
    return;
  }
  res.json({ available: true, results: lookupTcpStates(table, queries) });
}
