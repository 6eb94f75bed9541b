import { describe, expect, it } from 'vitest';
import { parseControlMessage, salvageIds } from '../../server/control-parser.js';
import { GatewayError } from '../../server/gateway-error.js';

const failure = (text: string): GatewayError => {
  try {
    parseControlMessage(text);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error(`parsed ${text}`);
};

describe('parseControlMessage', () => {
  it('returns a valid message as parsed', () => {
    expect(parseControlMessage('{"t":"close","id":3,"ref":1,"reset":true}')).toEqual({ t: 'close', id: 3, ref: 1, reset: true });
  });

  it('text that is not JSON is BAD_MESSAGE saying so', () => {
    expect(failure('{"t":')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('not valid JSON') });
  });

  it('schema failures become GatewayErrors with the schema code: unknown key BAD_MESSAGE, bad value BAD_OPTION', () => {
    expect(failure('{"t":"end","id":1,"force":true}')).toMatchObject({ code: 'BAD_MESSAGE', message: 'end: unknown field "force" (known: id, ref)' });
    expect(failure('{"t":"end","id":-1}')).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('"id"') });
  });
});

describe('salvageIds', () => {
  it('takes id and ref from a whole message, ignoring values that are not unsigned integers', () => {
    expect(salvageIds('{"t":"x","id":4,"ref":9}')).toEqual({ id: 4, ref: 9 });
    expect(salvageIds('{"id":-4,"ref":"9"}')).toEqual({ id: undefined, ref: undefined });
  });

  it('finds them in the truncated head of an oversized message', () => {
    expect(salvageIds('{"t":"tcp.connect","id":77, "ref":5,"pad":"xxxx')).toEqual({ id: 77, ref: 5 });
    expect(salvageIds('{"t":"tcp.connect","id":99999999999,')).toEqual({ id: undefined, ref: undefined });
  });
});
