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
    expect(error).toMatchObject({ name: 'NotAllowedError', sockgateCode: 'DENIED', rule: 'default deny public', osCode: undefined, message: 'no' });
    const refused = socketErrorFromMessage({ code: 'REFUSED', message: 'connect ECONNREFUSED', osCode: 'ECONNREFUSED' });
    expect(refused).toMatchObject({ name: 'NetworkError', sockgateCode: 'REFUSED', osCode: 'ECONNREFUSED' });
  });

  it('is a DOMException with the legacy numeric code of its name', () => {
    const legacy: Record<string, number> = {
      NetworkError: 19, NotAllowedError: 0, InvalidStateError: 11, QuotaExceededError: 22,
      OperationError: 0, NotSupportedError: 9, AbortError: 20,
    };
    for (const code of Object.values(ErrorCode)) {
      const error = socketErrorFromMessage({ code, message: code });
      expect(error).toBeInstanceOf(DOMException);
      expect(error.code, code).toBe(legacy[error.name]);
      expect(error.sockgateCode).toBe(code);
      expect(Object.prototype.toString.call(error)).toBe('[object DOMException]');
    }
    const cause = new Error('underneath');
    expect(new SocketError('OperationError', 'HTTP', 'x', { cause }).cause).toBe(cause);
  });
});
