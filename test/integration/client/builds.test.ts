import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';

/**
 * The two builds of `npm run build`: the ESM build with declarations, and
 * the single-file browser bundle ECB serves at /ecb-client.js.
 */
const CLIENT_DIST = fileURLToPath(new URL('../../../../client/dist/', import.meta.url));
const BUNDLE = `${CLIENT_DIST}ecb-client.js`;
const ESM_ENTRY = `${CLIENT_DIST}esm/index.js`;

const requireBuilt = (path: string): void => {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (it builds the client too)`);
};

describe('ecb-client: builds', () => {
  it('the browser bundle defines window.EcbClient = { EcbClient, EcbClientError }, with socket.io-client inside', () => {
    requireBuilt(BUNDLE);
    const code = readFileSync(BUNDLE, 'utf8');
    // A classic script: nothing left to load from anywhere else.
    expect(code).to.not.match(/^\s*(import|export)\s/m);
    expect(code).to.not.match(/\brequire\(["']/);

    // What a browser has that the library uses at construction.
    const window: Record<string, unknown> = { AbortController, TextDecoder, atob, crypto };
    window['window'] = window;
    window['self'] = window;
    runInNewContext(code, window);

    const library = window['EcbClient'] as Record<string, unknown>;
    expect(Object.keys(library).sort()).to.deep.equal(['EcbClient', 'EcbClientError']);
    const ErrorClass = library['EcbClientError'] as new (code: string, message: string) => Error & { code: string; retryable: boolean };
    const error = new ErrorClass('RATE_LIMITED', 'slow down');
    expect(error).to.include({ name: 'EcbClientError', code: 'RATE_LIMITED', retryable: true, message: 'slow down' });
    const ClientClass = library['EcbClient'] as new (url: string, options: object) => unknown;
    expect(() => new ClientClass('http://127.0.0.1:1', {})).to.throw(/accessToken/);
  });

  it('the ESM build exports the same API, with type declarations beside it', async () => {
    requireBuilt(ESM_ENTRY);
    expect(existsSync(`${CLIENT_DIST}esm/index.d.ts`)).to.equal(true);
    const declarations = readFileSync(`${CLIENT_DIST}esm/ecb-client.d.ts`, 'utf8');
    expect(declarations).to.include('openThread(threadToken: string): Promise<ThreadAndMessages>;');
    const library = (await import(ESM_ENTRY)) as Record<string, unknown>;
    expect(library['EcbClient']).to.be.a('function');
    expect(library['EcbClientError']).to.be.a('function');
    expect(library['DEFAULT_SETTINGS']).to.have.nested.property('outbox.maxQueued', 100);
  });
});
