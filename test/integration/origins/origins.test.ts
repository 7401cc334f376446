import { request as httpCall } from 'node:http';
import { expect } from 'chai';
import WebSocket from 'ws';
import { createClient, httpRequest, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * ECB_CORS_ORIGINS (ECB-SPEC §7): browser origins for REST and Socket.IO
 * alike. No Origin (a non-browser client) is allowed; ECB's own origin is
 * allowed; a listed origin is allowed with CORS headers; any other is
 * refused with 403, for Socket.IO already at the transport handshake.
 */

const FOREIGN = 'https://evil.example.com';
const APP = 'https://app.example.com';

/** Where a WebSocket upgrade attempt ended: opened, or refused with an HTTP status. */
const upgrade = (url: string, origin: string | undefined): Promise<{ opened: true } | { opened: false; status: number }> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      ...(origin === undefined ? {} : { origin }),
    });
    socket.on('open', () => {
      socket.terminate();
      resolve({ opened: true });
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve({ opened: false, status: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });

/** The first request of a Socket.IO long-polling handshake, as a browser sends it. */
const pollingHandshake = (url: string, origin?: string) =>
  httpRequest(`${url}/socket.io/?EIO=4&transport=polling`, { headers: origin === undefined ? {} : { origin } });

/** A raw upgrade request without ws: what any HTTP client could send. */
const rawUpgradeStatus = (url: string, origin: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const outgoing = httpCall(`${url}/socket.io/?EIO=4&transport=websocket`, {
      agent: false,
      headers: {
        origin,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
      },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

describe('origins: the default (same origin only)', () => {
  let world: EcbWorld;
  let token: string;
  beforeEach(async () => {
    world = await startEcbWorld();
    token = await world.userToken('alice');
  });
  afterEach(async () => world.close());

  it('serves a REST request without Origin', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).to.equal(200);
  });

  it('serves a REST request from ECB\'s own origin, without CORS headers', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/contacts`, {
      headers: { authorization: `Bearer ${token}`, origin: world.ecb.url },
    });
    expect(answer.status).to.equal(200);
    expect(answer.headers).not.to.have.property('access-control-allow-origin');
  });

  it('refuses a REST request from a foreign origin with 403, before the backend is called', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${token}`, origin: FOREIGN } });
    expect(answer.status).to.equal(403);
    expect(answer.body.error.code).to.equal('FORBIDDEN');
    expect(answer.headers).not.to.have.property('access-control-allow-origin');
    expect(world.stub.requests).to.deep.equal([]);
  });

  it('refuses a foreign origin\'s preflight with 403', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/contacts`, {
      method: 'OPTIONS',
      headers: { origin: FOREIGN, 'access-control-request-method': 'GET' },
    });
    expect(answer.status).to.equal(403);
  });

  it('refuses the Socket.IO polling handshake from a foreign origin with 403', async () => {
    expect((await pollingHandshake(world.ecb.url, FOREIGN)).status).to.equal(403);
  });

  it('accepts the Socket.IO polling handshake without Origin, or from ECB\'s own', async () => {
    expect((await pollingHandshake(world.ecb.url)).status).to.equal(200);
    expect((await pollingHandshake(world.ecb.url, world.ecb.url)).status).to.equal(200);
  });

  it('refuses a WebSocket upgrade from a foreign origin with 403', async () => {
    expect(await upgrade(world.ecb.url, FOREIGN)).to.deep.equal({ opened: false, status: 403 });
    expect(await rawUpgradeStatus(world.ecb.url, FOREIGN)).to.equal(403);
  });

  it('accepts a WebSocket upgrade without Origin, or from ECB\'s own', async () => {
    expect(await upgrade(world.ecb.url, undefined)).to.deep.equal({ opened: true });
    expect(await upgrade(world.ecb.url, world.ecb.url)).to.deep.equal({ opened: true });
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a socket.io-client claiming a foreign origin over ${transport}, and accepts ECB's own`, async () => {
      const options = (origin: string) => ({ transports: [transport], extraHeaders: { origin } });
      const refused = await createClient(world.ecb.url, { userToken: token }, options(FOREIGN)).then(
        (socket) => {
          socket.close();
          return false;
        },
        () => true,
      );
      expect(refused).to.equal(true);
      const own = world.track(await createClient(world.ecb.url, { userToken: token }, options(world.ecb.url)));
      await requestOk(own, 'getContacts', {});
    });
  }
});

describe('origins: ECB_CORS_ORIGINS lists an origin', () => {
  let world: EcbWorld;
  let token: string;
  beforeEach(async () => {
    world = await startEcbWorld({ corsOrigins: [APP] });
    token = await world.userToken('alice');
  });
  afterEach(async () => world.close());

  it('serves a REST request from the listed origin, echoing it in Access-Control-Allow-Origin', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${token}`, origin: APP } });
    expect(answer.status).to.equal(200);
    expect(answer.headers['access-control-allow-origin']).to.equal(APP);
    expect(answer.headers['vary']).to.match(/origin/i);
  });

  it('answers the listed origin\'s preflight with 204 and the methods and headers it may use', async () => {
    const answer = await httpRequest(`${world.ecb.url}/api/v1/threads/t-1/messages`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-thread-token' },
    });
    expect(answer.status).to.equal(204);
    expect(answer.headers['access-control-allow-origin']).to.equal(APP);
    expect(answer.headers['access-control-allow-methods']).to.include('POST');
    const allowed = String(answer.headers['access-control-allow-headers']).toLowerCase();
    for (const header of ['authorization', 'content-type', 'x-thread-token']) expect(allowed).to.include(header);
    expect(world.stub.requests).to.deep.equal([]);
  });

  it('still refuses any other origin with 403, over REST, polling and WebSocket', async () => {
    const rest = await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${token}`, origin: FOREIGN } });
    expect(rest.status).to.equal(403);
    expect((await pollingHandshake(world.ecb.url, FOREIGN)).status).to.equal(403);
    expect(await upgrade(world.ecb.url, FOREIGN)).to.deep.equal({ opened: false, status: 403 });
  });

  it('accepts the listed origin\'s Socket.IO handshake, polling with CORS headers, and WebSocket', async () => {
    const polling = await pollingHandshake(world.ecb.url, APP);
    expect(polling.status).to.equal(200);
    expect(polling.headers['access-control-allow-origin']).to.equal(APP);
    expect(await upgrade(world.ecb.url, APP)).to.deep.equal({ opened: true });
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = world.track(
        await createClient(world.ecb.url, { userToken: token }, { transports: [transport], extraHeaders: { origin: APP } }),
      );
      await requestOk(socket, 'getContacts', {});
    }
  });
});
