import { describe, expect, it } from 'vitest';
import { GatewayError, toGatewayError } from '../../server/gateway-error.js';

const osError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toGatewayError', () => {
  it('keeps a GatewayError as it is', () => {
    const e = new GatewayError('DENIED', 'no', { rule: 'r' });
    expect(toGatewayError(e)).toBe(e);
  });

  it.each([
    ['ECONNREFUSED', 'REFUSED'],
    ['ETIMEDOUT', 'TIMED_OUT'],
    ['EHOSTUNREACH', 'UNREACHABLE'],
    ['ENOTFOUND', 'DNS_FAILURE'],
    ['ECONNRESET', 'RESET'],
    ['EPIPE', 'RESET'],
    ['EADDRINUSE', 'ADDRESS_IN_USE'],
    ['EADDRNOTAVAIL', 'ADDRESS_NOT_AVAILABLE'],
    ['EACCES', 'PERMISSION'],
    ['EMSGSIZE', 'TOO_BIG'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS'],
    ['ERR_SOCKET_DGRAM_NOT_RUNNING', 'INVALID_STATE'],
    ['ERR_SOCKET_BAD_PORT', 'BAD_OPTION'],
  ])('an OS or Node error %s maps to %s and keeps its osCode and message', (os, code) => {
    expect(toGatewayError(osError(os, `boom ${os}`))).toMatchObject({ code, message: `boom ${os}`, extra: { osCode: os } });
  });

  it('anything else is INTERNAL, with the osCode when there is one', () => {
    expect(toGatewayError(osError('EWHATEVER'))).toMatchObject({ code: 'INTERNAL', extra: { osCode: 'EWHATEVER' } });
    expect(toGatewayError('a string')).toMatchObject({ code: 'INTERNAL', message: 'a string', extra: {} });
  });
});
