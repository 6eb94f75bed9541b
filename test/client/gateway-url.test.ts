import { describe, expect, it } from 'vitest';
import { resolveGatewayAddress } from '../../client/lib/gateway-url.js';

describe('resolveGatewayAddress', () => {
  it('turns an http base and a token into the /ws URL', () => {
    expect(resolveGatewayAddress('http://127.0.0.1:8750', 'a b')).toEqual({
      wsUrl: 'ws://127.0.0.1:8750/ws?token=a%20b',
      httpBase: 'http://127.0.0.1:8750',
      token: 'a b',
    });
  });

  it('accepts ws(s) and https, and a token in the URL', () => {
    expect(resolveGatewayAddress('wss://lab.example:9000/?token=t', undefined)).toMatchObject({
      wsUrl: 'wss://lab.example:9000/ws?token=t',
      httpBase: 'https://lab.example:9000',
    });
    expect(resolveGatewayAddress('https://[::1]:8750', 't').wsUrl).toBe('wss://[::1]:8750/ws?token=t');
  });

  it('defaults to the page: its origin and its ?token=, or no token (the cookie)', () => {
    expect(resolveGatewayAddress(undefined, undefined, { href: 'http://127.0.0.1:8750/?token=xyz' })).toEqual({
      wsUrl: 'ws://127.0.0.1:8750/ws?token=xyz',
      httpBase: 'http://127.0.0.1:8750',
      token: 'xyz',
    });
    expect(resolveGatewayAddress(undefined, undefined, { href: 'http://127.0.0.1:8750/app' }).wsUrl).toBe('ws://127.0.0.1:8750/ws');
  });

  it('throws TypeError for other schemes, and for no url outside a page', () => {
    expect(() => resolveGatewayAddress('ftp://127.0.0.1', undefined)).toThrow(TypeError);
    expect(() => resolveGatewayAddress(undefined, undefined)).toThrow(/url is required/);
  });
});
