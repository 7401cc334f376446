import { expect } from 'chai';
import { httpRequest, requestOk, sleep, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { RawSocketIo } from './raw-socket-io.js';

/**
 * Packets larger than ECB_MAX_REQUEST_BYTES (Socket.IO's maxHttpBufferSize),
 * sent raw over each transport: the offending connection is closed before
 * the packet is parsed, and ECB keeps serving everyone else.
 */
describe('abuse: oversize packets', () => {
  const MAX = 8_192;
  let world: EcbWorld;
  let auth: { userToken: string };

  beforeEach(async () => {
    world = await startEcbWorld({ maxRequestBytes: MAX });
    auth = { userToken: await world.userToken('alice') };
  });
  afterEach(async () => world.close());

  const oversizeEvent = (): string => `42${JSON.stringify(['sendMessage', { pad: 'x'.repeat(MAX * 2) }])}`;

  it('closes a WebSocket that sends a frame over the limit, and keeps serving others', async () => {
    const bystander = await world.connect('bob');
    const raw = await RawSocketIo.connected(world.ecb.url, auth);
    try {
      // just under the limit is still served
      const fits = await raw.request(1, 'getContacts', { pad: 'x'.repeat(MAX - 200) });
      expect(fits).to.have.property('ok');
      raw.send(oversizeEvent());
      const code = await Promise.race([raw.closed, sleep(3_000).then(() => 'still open')]);
      expect(code).to.equal(1009); // "message too big"
    } finally {
      raw.close();
    }
    await requestOk(bystander, 'getContacts', {});
    await requestOk(await world.connect('alice'), 'getContacts', {});
  });

  it('refuses a long-polling POST over the limit with 413 and ends that session, and keeps serving others', async () => {
    const bystander = await world.connect('bob');
    const base = `${world.ecb.url}/socket.io/?EIO=4&transport=polling`;
    const open = await httpRequest(base);
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    const connect = await httpRequest(`${base}&sid=${sid}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      rawBody: `40${JSON.stringify(auth)}`,
    });
    expect(connect.status).to.equal(200);
    expect((await httpRequest(`${base}&sid=${sid}`)).text).to.match(/^40\{"sid"/);

    const oversize = await httpRequest(`${base}&sid=${sid}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      rawBody: oversizeEvent(),
    });
    expect(oversize.status).to.equal(413);
    // the session ends: the next poll carries engine.io's close packet, or the sid is already unknown
    const after = await httpRequest(`${base}&sid=${sid}`);
    if (after.status === 200) expect(after.text).to.match(/(^|\x1e)1$/);
    expect((await httpRequest(`${base}&sid=${sid}`)).status).to.equal(400);
    await requestOk(bystander, 'getContacts', {});
    await requestOk(await world.connect('alice', { transports: ['polling'] }), 'getContacts', {});
  });
});
