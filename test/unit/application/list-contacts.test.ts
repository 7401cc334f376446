import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { ListContacts } from '../../../src/application/list-contacts.js';
import { backendUnavailable } from '../../../src/domain/errors.js';
import type { Paged } from '../../../src/domain/paging.js';
import type { User } from '../../../src/domain/user.js';
import { aUser } from '../../support/builders.js';
import { InMemoryBackendGateway } from '../../support/in-memory-backend-gateway.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run } from './world.js';

describe('ListContacts', () => {
  /** alice's contacts, in the backend's order: bob, carol, dave, erin, frank. */
  const setUp = () => {
    const world = aWorld();
    for (const name of ['dave', 'erin', 'frank']) world.backend.addUser(aUser({ userId: name, displayName: name }));
    return { world, list: new ListContacts(world.backend) };
  };

  it('cuts the requested page from the complete list the backend answered', async () => {
    const { world, list } = setUp();
    const page = rightOf(await run(list.execute(world.alice, { pageStartIndex: 2, pageSize: 2 })));
    expect(page.items.map((u) => u.userId)).to.deep.equal(['dave', 'erin']);
    expect(page).to.deep.include({
      pageStartIndex: 2,
      pageSize: 2,
      previousPage: { pageStartIndex: 0, pageSize: 2 },
      nextPage: { pageStartIndex: 4, pageSize: 2 },
    });
  });

  it('answers the first 20 by default', async () => {
    const { world, list } = setUp();
    const page = rightOf(await run(list.execute(world.alice, {})));
    expect(page.items.map((u) => u.userId)).to.deep.equal(['bob', 'carol', 'dave', 'erin', 'frank']);
    expect(page).to.deep.include({ pageStartIndex: 0, pageSize: 5, previousPage: null, nextPage: null });
  });

  it('passes a page the backend cut itself on unchanged', async () => {
    const backendPage: Paged<User> = {
      pageStartIndex: 3,
      pageSize: 1,
      items: [aUser({ userId: 'zed', displayName: 'Zed' })],
      previousPage: { pageStartIndex: 0, pageSize: 3 },
      nextPage: { pageStartIndex: 4, pageSize: 3 },
    };
    class SelfPagingBackend extends InMemoryBackendGateway {
      override getContacts() {
        return TE.right({ _tag: 'Paged' as const, page: backendPage });
      }
    }
    const world = aWorld({}, {}, (options) => new SelfPagingBackend(options));
    const page = rightOf(await run(new ListContacts(world.backend).execute(world.alice, { pageStartIndex: 3, pageSize: 3 })));
    expect(page).to.deep.equal(backendPage);
  });

  it('refuses bad paging as BAD_REQUEST before calling the backend', async () => {
    for (const request of [{ pageSize: 0 }, { pageSize: 101 }, { pageStartIndex: -1 }, { pageSize: 2.5 }]) {
      const { world, list } = setUp();
      expect(leftOf(await run(list.execute(world.alice, request)))._tag, JSON.stringify(request)).to.equal('BAD_REQUEST');
      expect(operationsCalled(world)).to.deep.equal([]);
    }
  });

  it('passes a backend failure on', async () => {
    const { world, list } = setUp();
    world.backend.failNext('getContacts', backendUnavailable('down'));
    expect(leftOf(await run(list.execute(world.alice, {})))._tag).to.equal('BACKEND_UNAVAILABLE');
  });
});
