import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { ListThreads } from '../../../src/application/list-threads.js';
import { rateLimited } from '../../../src/domain/errors.js';
import type { Paged } from '../../../src/domain/paging.js';
import type { Thread } from '../../../src/domain/thread.js';
import { aMessage, aThread } from '../../support/builders.js';
import { InMemoryBackendGateway } from '../../support/in-memory-backend-gateway.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run, type World } from './world.js';

describe('ListThreads', () => {
  /** alice is in t1..t3 (t3 most recent first); t-other is bob's and carol's alone. */
  const setUp = async () => {
    const world = aWorld();
    const seed = (threadId: string, memberIds: string[], time: number) =>
      world.backend.seedThread({ threadId, memberIds, messages: [aMessage({ messageId: `${threadId}-m`, creationTime: time })] });
    await seed('t1', ['alice', 'bob'], 100);
    await seed('t2', ['alice', 'carol'], 200);
    await seed('t3', ['alice', 'bob', 'carol'], 300);
    await seed('t-other', ['bob', 'carol'], 400);
    return { world, list: new ListThreads(world.backend) };
  };

  const ids = (page: Paged<Thread>) => page.items.map((t) => t.threadId);

  it('answers the caller’s threads, cut to the requested page from the complete list', async () => {
    const { world, list } = await setUp();
    const first = rightOf(await run(list.execute(world.alice, { pageSize: 2 })));
    expect(ids(first)).to.deep.equal(['t3', 't2']);
    expect(first).to.deep.include({ pageStartIndex: 0, pageSize: 2, previousPage: null, nextPage: { pageStartIndex: 2, pageSize: 2 } });

    const second = rightOf(await run(list.execute(world.alice, { pageStartIndex: 2, pageSize: 2 })));
    expect(ids(second)).to.deep.equal(['t1']);
    expect(second).to.deep.include({ pageStartIndex: 2, pageSize: 1, previousPage: { pageStartIndex: 0, pageSize: 2 }, nextPage: null });
  });

  it('answers an empty page of size 0 past the end', async () => {
    const { world, list } = await setUp();
    const page = rightOf(await run(list.execute(world.alice, { pageStartIndex: 20 })));
    expect(page).to.deep.equal({
      pageStartIndex: 20,
      pageSize: 0,
      items: [],
      previousPage: { pageStartIndex: 0, pageSize: 20 },
      nextPage: null,
    });
  });

  it('passes a page the backend cut itself on unchanged', async () => {
    const backendPage: Paged<Thread> = {
      pageStartIndex: 0,
      pageSize: 1,
      items: [aThread({ threadId: 'from-backend' })],
      previousPage: null,
      nextPage: { pageStartIndex: 1, pageSize: 50 },
    };
    class SelfPagingBackend extends InMemoryBackendGateway {
      override getThreads() {
        return TE.right({ _tag: 'Paged' as const, page: backendPage });
      }
    }
    const world: World = aWorld({}, {}, (options) => new SelfPagingBackend(options));
    expect(rightOf(await run(new ListThreads(world.backend).execute(world.alice, { pageSize: 50 })))).to.deep.equal(backendPage);
  });

  it('refuses bad paging as BAD_REQUEST before calling the backend', async () => {
    const { world, list } = await setUp();
    for (const request of [{ pageSize: 0 }, { pageSize: 101 }, { pageStartIndex: -5 }, { pageStartIndex: 0.5 }]) {
      expect(leftOf(await run(list.execute(world.alice, request)))._tag, JSON.stringify(request)).to.equal('BAD_REQUEST');
    }
    expect(operationsCalled(world)).to.deep.equal([]);
  });

  it('passes a backend failure on', async () => {
    const { world, list } = await setUp();
    world.backend.failNext('getThreads', rateLimited('slow down'));
    expect(leftOf(await run(list.execute(world.alice, {})))._tag).to.equal('RATE_LIMITED');
  });
});
