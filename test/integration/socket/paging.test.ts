import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { request, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';

/** getContacts and getThreads over Socket.IO, paged exactly per ECB-SPEC §1. */

interface Paged<T> {
  pageStartIndex: number;
  pageSize: number;
  items: T[];
  previousPage: { pageStartIndex: number; pageSize: number } | null;
  nextPage: { pageStartIndex: number; pageSize: number } | null;
}
type User = { userId: string; displayName: string };
type Thread = { threadId: string };

const EXTRA_PEERS = 30;

describe('socket paging: getContacts and getThreads', () => {
  let world: EcbWorld;
  let alice: ClientSocket;

  beforeEach(async () => {
    world = await startEcbWorld();
    // alice's contacts: bob, carol, agent-sam and 30 more peers = 33
    for (let i = 0; i < EXTRA_PEERS; i++) {
      await world.stub.store.saveUser({ userId: `peer-${String(i).padStart(2, '0')}`, displayName: `Peer ${i}` });
    }
    alice = await world.connect('alice');
  });
  afterEach(async () => world.close());

  const contacts = (payload?: unknown) => requestOk<Paged<User>>(alice, 'getContacts', payload);
  const allContacts = async (): Promise<User[]> => (await contacts({ pageSize: 100 })).items;

  it('defaults to pageStartIndex 0 and pageSize 20, with no previous page and the next one', async () => {
    const all = await allContacts();
    expect(all).to.have.length(3 + EXTRA_PEERS);

    const page = await contacts({});
    expect(page).to.deep.equal({
      pageStartIndex: 0,
      pageSize: 20,
      items: all.slice(0, 20),
      previousPage: null,
      nextPage: { pageStartIndex: 20, pageSize: 20 },
    });
    expect(world.stub.requestsTo('getContacts').at(-1)?.body).to.deep.include({ pageStartIndex: 0, pageSize: 20 });
  });

  it('treats a missing payload as the defaults', async () => {
    const page = await contacts();
    expect(page.pageStartIndex).to.equal(0);
    expect(page.pageSize).to.equal(20);
  });

  it('answers the last page with pageSize = the item count and nextPage null', async () => {
    const all = await allContacts();
    const page = await contacts({ pageStartIndex: 20, pageSize: 20 });
    expect(page).to.deep.equal({
      pageStartIndex: 20,
      pageSize: 13,
      items: all.slice(20),
      previousPage: { pageStartIndex: 0, pageSize: 20 },
      nextPage: null,
    });
  });

  it('has no next page when the page ends exactly at the last item', async () => {
    const page = await contacts({ pageStartIndex: 23, pageSize: 10 });
    expect(page.pageSize).to.equal(10);
    expect(page.nextPage).to.equal(null);
    expect(page.previousPage).to.deep.equal({ pageStartIndex: 13, pageSize: 10 });
  });

  it('clamps the previous page at 0 for a start smaller than the size', async () => {
    const page = await contacts({ pageStartIndex: 3, pageSize: 10 });
    expect(page.previousPage).to.deep.equal({ pageStartIndex: 0, pageSize: 10 });
    expect(page.nextPage).to.deep.equal({ pageStartIndex: 13, pageSize: 10 });
  });

  it('answers an empty page past the end with pageSize 0', async () => {
    const page = await contacts({ pageStartIndex: 100, pageSize: 20 });
    expect(page).to.deep.equal({
      pageStartIndex: 100,
      pageSize: 0,
      items: [],
      previousPage: { pageStartIndex: 80, pageSize: 20 },
      nextPage: null,
    });
  });

  it('accepts pageSize 1 and 100, the bounds', async () => {
    expect((await contacts({ pageSize: 1 })).items).to.have.length(1);
    expect((await contacts({ pageSize: 100 })).items).to.have.length(33);
  });

  const invalid: Array<[string, unknown]> = [
    ['pageSize 101', { pageSize: 101 }],
    ['pageSize 0', { pageSize: 0 }],
    ['pageSize -1', { pageSize: -1 }],
    ['a negative pageStartIndex', { pageStartIndex: -1 }],
    ['a fractional pageSize', { pageSize: 2.5 }],
    ['a pageSize as a string', { pageSize: '5' }],
    ['a pageStartIndex as a string', { pageStartIndex: 'zero' }],
    ['a payload that is a string', 'page 2'],
    ['a payload that is an array', [0, 20]],
  ];
  for (const event of ['getContacts', 'getThreads']) {
    for (const [name, payload] of invalid) {
      it(`${event}: refuses ${name} with BAD_REQUEST, without calling the backend`, async () => {
        const ack = await request(alice, event, payload);
        expect(ack.ok).to.equal(false);
        if (ack.ok) return;
        expect(ack.error).to.deep.include({ code: 'BAD_REQUEST', retryable: false });
        expect(ack.error.message).to.be.a('string').and.not.equal('');
        expect(world.stub.requests).to.deep.equal([]);
      });
    }
  }

  it('pages getThreads the same way, latest activity first', async () => {
    for (let i = 0; i < 5; i++) {
      await requestOk(alice, 'createThread', { memberIds: ['bob'], message: { type: 'text', data: { messageText: `#${i}` } } });
    }
    const all = (await requestOk<Paged<Thread>>(alice, 'getThreads', { pageSize: 100 })).items;
    expect(all).to.have.length(6); // the seeded peer thread and five new ones

    const first = await requestOk<Paged<Thread>>(alice, 'getThreads', { pageSize: 4 });
    expect(first.items.map((t) => t.threadId)).to.deep.equal(all.slice(0, 4).map((t) => t.threadId));
    expect(first).to.deep.include({ pageStartIndex: 0, pageSize: 4, previousPage: null, nextPage: { pageStartIndex: 4, pageSize: 4 } });
    const last = await requestOk<Paged<Thread>>(alice, 'getThreads', first.nextPage!);
    expect(last.items.map((t) => t.threadId)).to.deep.equal(all.slice(4).map((t) => t.threadId));
    expect(last).to.deep.include({ pageStartIndex: 4, pageSize: 2, previousPage: { pageStartIndex: 0, pageSize: 4 }, nextPage: null });
    expect(all.at(-1)?.threadId).to.equal('thread-alice-bob');
  });

  it('passes on a page the backend cut by itself', async () => {
    const paged = {
      pageStartIndex: 5,
      pageSize: 1,
      items: [{ userId: 'zed', displayName: 'Zed' }],
      previousPage: { pageStartIndex: 4, pageSize: 1 },
      nextPage: null,
    };
    world.stub.respond('getContacts', paged);
    expect(await contacts({ pageStartIndex: 5, pageSize: 1 })).to.deep.equal(paged);
  });
});
