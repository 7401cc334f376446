import { expect } from 'chai';
import {
  ERROR_CODES,
  backendError,
  backendUnavailable,
  badRequest,
  forbidden,
  internal,
  isEcbError,
  isRetryable,
  notFound,
  payloadTooLarge,
  rateLimited,
  tokenExpired,
  unauthorized,
  type ErrorCode,
} from '../../../src/domain/errors.js';

describe('errors', () => {
  it('has exactly the error codes of ECB-SPEC §3', () => {
    expect([...ERROR_CODES].sort()).to.deep.equal(
      [
        'BAD_REQUEST',
        'UNAUTHORIZED',
        'TOKEN_EXPIRED',
        'FORBIDDEN',
        'NOT_FOUND',
        'PAYLOAD_TOO_LARGE',
        'RATE_LIMITED',
        'BACKEND_ERROR',
        'BACKEND_UNAVAILABLE',
        'INTERNAL',
      ].sort(),
    );
  });

  describe('isRetryable', () => {
    const expected: Record<ErrorCode, boolean> = {
      BAD_REQUEST: false,
      UNAUTHORIZED: false,
      TOKEN_EXPIRED: false,
      FORBIDDEN: false,
      NOT_FOUND: false,
      PAYLOAD_TOO_LARGE: false,
      RATE_LIMITED: true,
      BACKEND_ERROR: false,
      BACKEND_UNAVAILABLE: true,
      INTERNAL: false,
    };
    for (const code of Object.keys(expected) as ErrorCode[]) {
      it(`says ${code} is ${expected[code] ? '' : 'not '}retryable`, () => {
        expect(isRetryable({ _tag: code, message: 'x' })).to.equal(expected[code]);
      });
    }
  });

  it('builds each code with its own constructor', () => {
    const built = [
      badRequest('m'),
      unauthorized('m'),
      tokenExpired('m'),
      forbidden('m'),
      notFound('m'),
      payloadTooLarge('m'),
      rateLimited('m'),
      backendError('m'),
      backendUnavailable('m'),
      internal('m'),
    ].map((e) => e._tag);
    expect([...built].sort()).to.deep.equal([...ERROR_CODES].sort());
  });

  it('keeps a cause for the logs only when one is given', () => {
    expect(badRequest('no cause')).to.deep.equal({ _tag: 'BAD_REQUEST', message: 'no cause' });
    expect(badRequest('no cause')).not.to.have.property('cause');
    const cause = new Error('boom');
    expect(backendUnavailable('down', cause)).to.deep.equal({ _tag: 'BACKEND_UNAVAILABLE', message: 'down', cause });
  });

  describe('isEcbError', () => {
    it('recognises an error value', () => {
      expect(isEcbError(forbidden('no'))).to.equal(true);
    });

    it('rejects values that are not one of the codes or lack a message', () => {
      for (const value of [null, undefined, 'FORBIDDEN', { _tag: 'NOPE', message: 'x' }, { _tag: 'FORBIDDEN' }, new Error('x')]) {
        expect(isEcbError(value), String(value)).to.equal(false);
      }
    });
  });
});
