import http from 'node:http';
import type net from 'node:net';
import type { AuditLog } from './audit-log.js';
import { parseRequestTarget } from './request-parts.js';

/** A short, stable code per HTTP status the gateway answers with on its own. */
const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'TOO_BIG', 416: 'RANGE', 500: 'INTERNAL' };

/**
 * The last step of every HTTP request no route answered, and of every error a route raised:
 * a status, a code and a short message — never a stack, a file path or the request URL (which
 * may carry the token). 5xx are logged by code and path only.
 */
export function finalHandler(audit: AuditLog) {
  return (req: http.IncomingMessage, res: http.ServerResponse, err?: unknown): void => {
    const raw = err && typeof err === 'object' ? ((err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode) : undefined;
    const status = err === undefined ? 404 : typeof raw === 'number' && raw >= 400 && raw < 500 ? raw : 500;
    const code = CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL');
    const message = status === 404 ? 'not found' : status === 500 ? 'internal error (logged by the gateway)' : (http.STATUS_CODES[status] ?? 'bad request').toLowerCase();
    if (status === 500) {
      const path = parseRequestTarget(req.url)?.pathname ?? '?';
      audit.write('http-error', { status, path: path.slice(0, 200), error: err instanceof Error ? err.name : typeof err });
    }
    if (res.headersSent) return void res.destroy();
    const api = (parseRequestTarget(req.url)?.pathname ?? '').startsWith('/api/');
    const body = api ? JSON.stringify({ error: message, code }) : `${status} ${message}\n`;
    res.statusCode = status;
    res.setHeader('Content-Type', api ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** The server's 'clientError' listener: a malformed request gets a bare 400 (or nothing, if the socket cannot take it). */
export function answerClientError(err: NodeJS.ErrnoException, socket: net.Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
