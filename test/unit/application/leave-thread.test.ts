import { expect } from 'chai';
import { LeaveThread } from '../../../src/application/leave-thread.js';
import { aGrant, aRestActor } from '../../support/builders.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run } from './world.js';

describe('LeaveThread', () => {
  const setUp = async () => {
    const world = aWorld();
    world.tokens.withThread('token-t1', aGrant({ threadId: 't1', memberIds: ['alice', 'bob'] }));
    await world.push.subscribe('alice-socket', 't1');
    await world.push.subscribe('alice-socket', 't2');
    await world.push.subscribe('bob-socket', 't1');
    return { world, leave: new LeaveThread(world.tokens, world.push) };
  };

  it('unsubscribes the connection from that thread only, answering {}', async () => {
    const { world, leave } = await setUp();
    expect(rightOf(await run(leave.execute(world.alice, { threadToken: 'token-t1' })))).to.deep.equal({});
    expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal(['t2']);
    expect(world.push.subscribersOf('t1')).to.deep.equal(['bob-socket']);
    expect(operationsCalled(world)).to.deep.equal([]);
  });

  it('needs no membership: a non-member with a valid token may leave', async () => {
    const { world, leave } = await setUp();
    await world.push.subscribe('carol-socket', 't1');
    expect(rightOf(await run(leave.execute(world.carol, { threadToken: 'token-t1' })))).to.deep.equal({});
    expect(world.push.subscriptionsOf('carol-socket')).to.deep.equal([]);
  });

  it('refuses a thread token that does not verify as FORBIDDEN and stays subscribed', async () => {
    const { world, leave } = await setUp();
    expect(leftOf(await run(leave.execute(world.alice, { threadToken: 'forged' })))._tag).to.equal('FORBIDDEN');
    expect(world.push.subscriptionsOf('alice-socket')).to.have.members(['t1', 't2']);
  });

  it('answers {} over REST, where there is no connection to unsubscribe', async () => {
    const { world, leave } = await setUp();
    expect(rightOf(await run(leave.execute(aRestActor(world.alice.caller), { threadToken: 'token-t1' })))).to.deep.equal({});
    expect(world.push.subscribersOf('t1')).to.have.members(['alice-socket', 'bob-socket']);
  });
});
