import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol.js';
import { errorNameFor, SocketError, socketErrorFromMessage } from '../../client/lib/socket-error.js';

describe('SocketError', () => {
  it('maps every gateway code to a spec DOMException name', () => {
    for (const code of Object.values(ErrorCode)) expect(errorNameFor(code)).toMatch(/Error$/);
    expect(errorNameFor('REFUSED')).toBe('NetworkError');
    expect(errorNameFor('RESET')).toBe('NetworkError');
    expect(errorNameFor('DNS_FAILURE')).toBe('NetworkError');
    expect(errorNameFor('TIMED_OUT')).toBe('NetworkError');
    expect(errorNameFor('DENIED')).toBe('NotAllowedError');
    expect(errorNameFor('INVALID_STATE')).toBe('InvalidStateError');
  });

  it('carries the code, the OS code and the rule of a gateway error', () => {
    const error = socketErrorFromMessage({ code: 'DENIED', message: 'no', rule: 'default deny public' });
    expect(error).toBeInstanceOf(SocketError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'NotAllowedError', code: 'DENIED', rule: 'default deny public', osCode: undefined, message: 'no' });
    const refused = socketErrorFromMessage({ code: 'REFUSED', message: 'connect ECONNREFUSED', osCode: 'ECONNREFUSED' });
    expect(refused).toMatchObject({ name: 'NetworkError', code: 'REFUSED', osCode: 'ECONNREFUSED' });
  });
});
