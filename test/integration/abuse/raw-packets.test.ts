import { expect } from 'chai';
import { requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { signToken } from '../../support/keys.js';
import { RawSocketIo } from './raw-socket-io.js';

/**
 * Hand-written Socket.IO frames, as a hostile client sends them over the
 * WebSocket: reserved and numeric event names, malformed packets, and
 * prototype-polluting keys. Whatever arrives, ECB does not crash, the
 * connection keeps working or is closed cleanly, and other clients are
 * served.
 */
describe('abuse: raw Socket.IO packets', () => {
  let world: EcbWorld;
  let auth: { userToken: string };

  beforeEach(async () => {
    world = await startEcbWorld();
    auth = { userToken: await world.userToken('alice') };
  });
  afterEach(async () => {
    await world.close();
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  const frames: Array<[string, string]> = [
    ['a reserved "connect" event', '42["connect",{}]'],
    ['a reserved "connect" event with an ack', '427["connect",{}]'],
    ['a reserved "disconnect" event', '42["disconnect"]'],
    ['a reserved "disconnecting" event', '42["disconnecting","x"]'],
    ['a reserved "newListener" event', '42["newListener","getContacts"]'],
    ['a reserved "removeListener" event', '42["removeListener","getContacts"]'],
    ['an "error" event (Node throws an unheard error)', '42["error",{"message":"boom"}]'],
    ['an "error" event with an ack', '427["error",{}]'],
    ['a numeric event name', '42[1]'],
    ['a numeric event name with an ack', '427[1,{}]'],
    ['an empty event', '42[]'],
    ['an event that is an object', '42{"a":1}'],
    ['an event that is a string', '42"getContacts"'],
    ['an event that is null', '42null'],
    ['a "__proto__" event', '42["__proto__"]'],
    ['a "__proto__" event with an ack', '427["__proto__",{}]'],
    ['a "constructor" event', '42["constructor",{}]'],
    ['a "hasOwnProperty" event', '42["hasOwnProperty",{}]'],
    ['an event with truncated JSON', '42["getContacts",{'],
    ['an event with no payload at all', '42'],
    ['an unknown packet type', '49["getContacts"]'],
    ['an ack for a request never made', '4399["x"]'],
    ['a binary event whose attachments never come', '451-["getContacts",{"_placeholder":true,"num":0}]'],
    ['a second CONNECT on the same namespace', '40{}'],
    ['a CONNECT to an unknown namespace', '40/admin,{}'],
    ['a DISCONNECT with a payload', '41{"a":1}'],
    ['an engine.io packet of unknown type', '9hello'],
    ['a binary frame', 'BINARY'],
  ];

  for (const [name, frame] of frames) {
    it(`survives ${name}: the connection keeps working or is closed cleanly`, async () => {
      const raw = await RawSocketIo.connected(world.ecb.url, auth);
      try {
        raw.send(frame === 'BINARY' ? Buffer.from([0xff, 0x00, 0x13]) : frame);
        const outcome = await Promise.race([
          raw.closed.then(() => 'closed'),
          raw.request(1, 'getContacts', {}).then((ack) => ack),
        ]);
        if (outcome !== 'closed') expect(outcome).to.have.property('ok', true);
        // whatever happened to that connection, ECB still serves a fresh one
        const other = await world.connect('bob');
        await requestOk(other, 'getContacts', {});
      } finally {
        raw.close();
      }
    });
  }

  it('never pollutes Object.prototype through __proto__, constructor or prototype keys in payloads', async () => {
    const raw = await RawSocketIo.connected(world.ecb.url, auth);
    try {
      const hostile =
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}';
      for (const [id, event] of ['getContacts', 'getThreads', 'createThread', 'getThread', 'leaveThread', 'sendMessage'].entries()) {
        raw.send(`42${id}["${event}",${hostile}]`);
        await raw.next((f) => f.startsWith(`43${id}[`));
      }
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect((Object.prototype as Record<string, unknown>)['polluted']).to.equal(undefined);
    } finally {
      raw.close();
    }
  });

  it('never pollutes through handshake auth keys', async () => {
    const raw = await RawSocketIo.open(world.ecb.url);
    try {
      raw.send(`40{"__proto__":{"userToken":${JSON.stringify(auth.userToken)},"polluted":true},"constructor":{"prototype":{"polluted":true}}}`);
      const answer = await raw.next((f) => f.startsWith('40') || f.startsWith('44'));
      expect(answer.startsWith('44'), answer).to.equal(true);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    } finally {
      raw.close();
    }
  });

  it('never pollutes through __proto__ or constructor claims in a signed user token', async () => {
    const claims = JSON.parse(
      '{"userId":"alice","__proto__":{"polluted":true,"role":"server"},"constructor":{"prototype":{"polluted":true}},"data":{"__proto__":{"polluted":true}}}',
    ) as Record<string, unknown>;
    const token = await signToken(claims);
    const raw = await RawSocketIo.open(world.ecb.url);
    try {
      raw.send(`40${JSON.stringify({ userToken: token })}`);
      await raw.next((f) => f.startsWith('40') || f.startsWith('44'));
      if (raw.frames.some((f) => f.startsWith('40{"sid"'))) {
        const ack = (await raw.request(1, 'getContacts', {})) as { ok: boolean };
        expect(ack.ok).to.equal(true);
      }
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect((Object.prototype as Record<string, unknown>)['role']).to.equal(undefined);
    } finally {
      raw.close();
    }
  });
});
