import nodeCrypto from 'node:crypto';
import sinon from 'sinon';

/**
 * Spies on both ways a signature can be checked in this process, WebCrypto
 * (`crypto.subtle.verify`, what jose uses) and node:crypto (`verify`, what
 * the verifier uses), and tells whether either has been called since. The
 * caller restores with `sinon.restore()`.
 */
export const spyOnSignatureChecks = (): { readonly called: () => boolean } => {
  const subtle = sinon.spy(crypto.subtle, 'verify');
  const node = sinon.spy(nodeCrypto, 'verify');
  return { called: () => subtle.called || node.called };
};
