import type { AcceptedMsg, OpenedMsg, OkMsg, ServerMessage } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

/** A gateway on 127.0.0.1:0 with the audit log silenced, and one page connected to it. */
export async function gatewayWithPage(): Promise<{ gateway: Gateway; page: ProtocolClient; close: () => Promise<void> }> {
  const gateway = await startGateway({ port: 0, audit: null });
  const page = await ProtocolClient.connect(gateway.origin, gateway.token);
  return {
    gateway,
    page,
    close: async () => {
      await page.close();
      await gateway.close();
    },
  };
}

let nextId = 1;
/** A fresh page-side socket id, unique within the test file. */
export const newId = () => nextId++;

/** Throws with the gateway's words unless `reply` is the expected answer type. */
export function expectReply<T extends ServerMessage['t']>(reply: ServerMessage, t: T): Extract<ServerMessage, { t: T }> {
  if (reply.t !== t) throw new Error(`expected ${t}, got ${JSON.stringify(reply)}`);
  return reply as Extract<ServerMessage, { t: T }>;
}

/**
 * Two TCP sockets of one page joined through a listener of the same page: `writer` (dialled by
 * the page) and `reader` (the accepted end, already granted the page's receive window).
 */
export async function socketPair(page: ProtocolClient, opts: { noDelay?: boolean } = {}) {
  const server = newId();
  const listening = expectReply(await page.request({ t: 'tcp.listen', id: server, host: '127.0.0.1', port: 0 }), 'opened') as OpenedMsg;
  const writer = newId();
  const accepted = page.next((m) => m.t === 'accepted' && m.server === server);
  const opened = expectReply(
    await page.request({ t: 'tcp.connect', id: writer, host: '127.0.0.1', port: listening.local.port, noDelay: opts.noDelay ?? false }),
    'opened',
  ) as OpenedMsg;
  const acc = (await accepted) as AcceptedMsg;
  // Accepted connections start with no receive credit; give the reader a full window.
  page.credit(acc.id, 1 << 20);
  return { server, listening, writer, opened, reader: acc.id, accepted: acc };
}

/** Sends `recv(max)` on a manual-mode socket and returns the chunk it delivered (empty at EOF). */
export async function recv(page: ProtocolClient, id: number, max: number): Promise<{ data: Buffer; ok: OkMsg }> {
  const before = page.received.get(id)?.length ?? 0;
  const ok = expectReply(await page.request({ t: 'recv', id, max }), 'ok') as OkMsg;
  const chunks = (page.received.get(id) ?? []).slice(before);
  if (chunks.length > 1) throw new Error(`one recv delivered ${chunks.length} chunks`);
  return { data: chunks[0]?.payload ?? Buffer.alloc(0), ok };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until every byte written on `id` so far has been acknowledged (handed to the kernel). */
export async function written(page: ProtocolClient, id: number, total: number): Promise<void> {
  await page.until(() => (page.acked.get(id) ?? 0) >= total);
}
