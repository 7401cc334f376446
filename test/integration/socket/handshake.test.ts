import { expect } from 'chai';
import { decodeJwt } from 'jose';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createClient, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { signToken, userToken } from '../../support/keys.js';

/** The Socket.IO handshake of ECB-SPEC §3: userToken, accessToken, refusals. */

interface ConnectError extends Error {
  data?: { code: string; message: string };
}

const refusalOf = async (attempt: Promise<ClientSocket>): Promise<ConnectError> => {
  try {
    const socket = await attempt;
    socket.close();
  } catch (error) {
    return error as ConnectError;
  }
  throw new Error('the handshake was accepted');
};

for (const transport of ['websocket', 'polling'] as const) {
  describe(`socket handshake over ${transport}`, () => {
    let world: EcbWorld;
    const connectWith = (auth: Record<string, unknown>, prepare?: (socket: ClientSocket) => void) =>
      createClient(world.ecb.url, auth, { transports: [transport] }, prepare).then(world.track);

    beforeEach(async () => {
      world = await startEcbWorld();
    });
    afterEach(async () => world.close());

    it('accepts a valid user token and serves that user', async () => {
      const socket = await connectWith({ userToken: await world.userToken('alice') });
      expect(socket.connected).to.equal(true);
      await requestOk(socket, 'getContacts', {});
      expect(world.stub.requestsTo('getContacts')[0]?.body).to.deep.include({ user: { userId: 'alice', displayName: 'Alice' } });
    });

    it('uses the userId as displayName for a user token without one', async () => {
      const socket = await connectWith({ userToken: await userToken('alice') });
      await requestOk(socket, 'getContacts', {});
      expect(world.stub.requestsTo('getContacts')[0]?.body).to.deep.include({ user: { userId: 'alice', displayName: 'alice' } });
    });

    it('exchanges an access token through the backend and emits `session` { userToken, user } right after connecting', async () => {
      const sessions: unknown[] = [];
      const socket = await connectWith({ accessToken: 'access-bob' }, (s) => s.on('session', (p) => sessions.push(p)));
      await requestOk(socket, 'getContacts', {}); // the session push precedes this ack on the same connection

      expect(sessions).to.have.length(1);
      const session = sessions[0] as { userToken: string; user: unknown };
      expect(session.user).to.deep.equal({ userId: 'bob', displayName: 'Bob' });
      expect(decodeJwt(session.userToken)).to.include({ userId: 'bob' });
      expect(world.stub.requestsTo('getUserToken')[0]?.body).to.deep.equal({ accessToken: 'access-bob' });
      expect(world.stub.requestsTo('getContacts')[0]?.headers['authorization']).to.equal(`Bearer ${session.userToken}`);
    });

    it('emits no `session` after a user-token handshake', async () => {
      const sessions: unknown[] = [];
      const socket = await connectWith({ userToken: await world.userToken('bob') }, (s) => s.on('session', (p) => sessions.push(p)));
      await requestOk(socket, 'getContacts', {});
      expect(sessions).to.deep.equal([]);
    });

    const refusals: Array<[string, () => Promise<Record<string, unknown>>, string]> = [
      ['no auth at all', async () => ({}), 'UNAUTHORIZED'],
      ['a userToken that is not a string', async () => ({ userToken: 42 }), 'UNAUTHORIZED'],
      ['an accessToken that is not a string', async () => ({ accessToken: { a: 1 } }), 'UNAUTHORIZED'],
      ['a userToken that is not a JWT', async () => ({ userToken: 'not-a-jwt' }), 'UNAUTHORIZED'],
      ['an expired user token', async () => ({ userToken: await userToken('alice', 'Alice', { expiresIn: -3600 }) }), 'TOKEN_EXPIRED'],
      ['an unknown access token (the backend answers 401)', async () => ({ accessToken: 'access-nobody' }), 'UNAUTHORIZED'],
    ];
    for (const [name, auth, code] of refusals) {
      it(`refuses ${name} with connect_error ${code}, message = code and data = { code, message }`, async () => {
        const credentials = await auth();
        const error = await refusalOf(connectWith(credentials));
        expect(error.message).to.equal(code);
        expect(error.data).to.have.keys(['code', 'message']);
        expect(error.data?.code).to.equal(code);
        expect(error.data?.message).to.be.a('string').and.not.equal('');
        expect(error.data?.message).not.to.match(/\bat .+:\d+/);
        for (const value of Object.values(credentials)) {
          if (typeof value === 'string') expect(error.data?.message).not.to.include(value);
        }
      });
    }

    it('refuses an access token for which the backend issues a token that does not verify', async () => {
      world.stub.respond('getUserToken', { userToken: await signToken({ userId: 'bob' }, { expiresIn: -3600 }) });
      const error = await refusalOf(connectWith({ accessToken: 'access-bob' }));
      expect(error.message).to.equal('BACKEND_ERROR');
    });

    it('refuses the handshake with BACKEND_UNAVAILABLE when the backend is down for the exchange', async () => {
      world.stub.fail('getUserToken', { status: 503, times: 2 });
      const error = await refusalOf(connectWith({ accessToken: 'access-bob' }));
      expect(error.message).to.equal('BACKEND_UNAVAILABLE');
      expect(error.data?.code).to.equal('BACKEND_UNAVAILABLE');
    });
  });
}
