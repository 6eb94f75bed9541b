import type { NextFunction, Request, Response } from 'express';
import { grantOf } from '../api-router.js';
import type { Gateway } from '../gateway-handle.js';
import { TcpStatesError, lookupTcpStates, parseEndpoint, readTcpTable, type TcpStateQuery } from '../tcp-states.js';
import { OwnedPairs, ownedSocketInodes } from '../owned-sockets.js';
import type { TargetPolicy } from '../target-policy.js';
import { withKernelQueues } from './course-services.js';
import { LabServices } from './lab-services.js';

/** Most sockets one `/api/tcp-states` request may ask about. */
export const MAX_STATE_QUERIES = 256;

const attached = new WeakMap<Gateway, LabServices>();

/**
 * Gives a gateway its lab services and their HTTP API (under /api, so the gateway's token guard
 * applies): `GET /api/labs`, `POST /api/labs/start`, `POST /api/labs/course/start`, `POST /api/labs/stop`,
 * `GET /api/tcp-states`.
 * The services stop when the gateway closes. Calling it again returns the same services.
 */
export function attachLabs(gateway: Gateway): LabServices {
  const existing = attached.get(gateway);
  if (existing) return existing;
  const labs = new LabServices();
  attached.set(gateway, labs);
  const { api } = gateway;
  const fail = (res: Response, err: unknown) => res.status(500).json({ error: (err as Error).message, code: 'INTERNAL' });
  const report = (res: Response) =>
    withKernelQueues(labs.list()).then(
      (services) => res.json({ running: labs.running, services }),
      (err) => fail(res, err),
    );

  api.get('/labs', (_req, res) => report(res));
  // The services are the gateway's, shared by every page: a student's grant may see them (and
  // reach those its rules allow) but only the operator's token starts or stops them.
  const operatorOnly = (_req: Request, res: Response, next: NextFunction) => {
    const grant = grantOf(res);
    if (!grant) return next();
    res.status(403).json({ error: `grant "${grant.record.name}" cannot start or stop the gateway's lab services: they are shared by every page (the operator's token can)`, code: 'DENIED' });
  };
  api.post('/labs/{*rest}', operatorOnly);
  api.post('/labs/start', (_req, res) => {
    labs.start().then(() => report(res), (err) => fail(res, err));
  });
  // The course's loop / threaded / select servers are Python programs: started only when asked.
  api.post('/labs/course/start', (_req, res) => {
    labs.startCourse().then(() => report(res), (err) => fail(res, err));
  });
  api.post('/labs/stop', (_req, res) => {
    labs.stop().then(() => report(res), (err) => fail(res, err));
  });
  // Express 5 passes a rejected promise to its error handler.
  const owned = new OwnedPairs();
  // A grant's page sees only pairs its own (narrowed) policy allows.
  api.get('/tcp-states', (req, res) => tcpStates(req, res, grantOf(res)?.policy ?? gateway.policy, owned));
  // Services close with the gateway, before its pages.
  gateway.onClose(() => labs.stop());
  return labs;
}

/** The bare address of an endpoint key (`1.2.3.4:80`, `[::1]:80`) and its port. */
const split = (key: string) => {
  const at = key.lastIndexOf(':');
  return { address: key.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(key.slice(at + 1)) };
};

/** Why the policy hides this query, if it does: the remote side as a connect target, a listener as a listen. */
function deniedBy(policy: TargetPolicy, q: TcpStateQuery): string | undefined {
  const side = split(q.remote ?? q.local);
  const decision = policy.check(side.address, side.port, q.remote ? 'connect' : 'listen');
  return decision.allowed ? undefined : decision.rule;
}

/**
 * `GET /api/tcp-states?pair=LOCAL,REMOTE&pair=LOCAL…`: only pairs of sockets this gateway holds
 * (or held, for TIME_WAIT) and the policy allows; any other pair answers `state: null`, exactly
 * as a pair that does not exist, so the API tells nothing about other programs' connections.
 */
async function tcpStates(req: Request, res: Response, policy: TargetPolicy, owned: OwnedPairs): Promise<void> {
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
  const table = await readTcpTable('/proc', true);
  if (!table) {
    res.json({ available: false, reason: `live TCP states need Linux's /proc/net/tcp; this gateway runs on ${process.platform}` });
    return;
  }
  owned.learn(table, await ownedSocketInodes());
  const results = lookupTcpStates(table, queries).map((r, i) => {
    const q = queries[i]!;
    const denied = deniedBy(policy, q);
    if (denied) return { local: q.local, ...(q.remote && { remote: q.remote }), state: null, peer: null, denied };
    if (!owned.has(q.local, q.remote)) return { local: q.local, ...(q.remote && { remote: q.remote }), state: null, peer: null };
    return r;
  });
  res.json({ available: true, results });
}
