import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieValues, decodedPath, expressQuery, parseRequestTarget } from '../../server/request-parts.js';

describe('request-parts', () => {
  it('never throws, whatever the target, query or cookie header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        parseRequestTarget(s);
        parseRequestTarget(`/${s}`);
        expressQuery(s);
        cookieValues(s, 'sockgate_token');
        decodedPath(`/${s}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads //-paths as paths, keeps undecodable % as sent, and gives every cookie of a name', () => {
    expect(parseRequestTarget('//a:99999/ws?x=1')).toMatchObject({ pathname: '//a:99999/ws' });
    expect(parseRequestTarget('//[')!.pathname).toBe('//[');
    expect(parseRequestTarget('*')).toBeUndefined();
    expect(parseRequestTarget('http://[/')).toBeUndefined();
    expect(parseRequestTarget('http://h/ws?token=t')!.searchParams.get('token')).toBe('t');
    expect(parseRequestTarget('/ws?token=%&token=b')!.searchParams.getAll('token')).toEqual(['%', 'b']);
    expect(cookieValues('sockgate_token=planted; a=1; sockgate_token=real%21; sockgate_token=%', 'sockgate_token')).toEqual(['planted', 'real!', '%']);
    expect(cookieValues('sockgate_token="q"', 'sockgate_token')).toEqual(['q']);
    expect(expressQuery(null)).toEqual({});
    expect({ ...expressQuery('pair=a&pair=b&x=%ZZ') }).toEqual({ pair: ['a', 'b'], x: '%ZZ' });
    expect(decodedPath('/app.js%2Emap')).toBe('/app.js.map');
    expect(decodedPath('/%E0%A4%A')).toBeUndefined();
  });
});
