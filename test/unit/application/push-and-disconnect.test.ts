import { expect } from 'chai';
import { DisconnectUser } from '../../../src/application/disconnect-user.js';
import { PushStoredMessage } from '../../../src/application/push-stored-message.js';
import { backendUnavailable } from '../../../src/domain/errors.js';
import { aMessage, aThread } from '../../support/builders.js';
import { RecordingPushChannel } from '../../support/recording-push-channel.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { run } from './world.js';

describe('PushStoredMessage', () => {
  it('pushes the message to the whole thread room and the thread to every member', async () => {
    const push = new RecordingPushChannel();
    const message = aMessage({ messageId: 'from-a-bot', fromUserId: 'bot' });
    const thread = aThread({ threadId: 't1', members: [{ userId: 'alice' }, { userId: 'bob' }, { userId: 'bot' }] });

    rightOf(await run(new PushStoredMessage(push).execute({ threadId: 't1', message, thread })));

    expect(push.messages).to.deep.equal([{ threadId: 't1', message, except: undefined }]);
    expect(push.threads).to.deep.equal([{ userIds: ['alice', 'bob', 'bot'], thread }]);
  });

  it('pushes only the message when no thread is given', async () => {
    const push = new RecordingPushChannel();
    const message = aMessage();
    rightOf(await run(new PushStoredMessage(push).execute({ threadId: 't1', message })));
    expect(push.messages).to.deep.equal([{ threadId: 't1', message, except: undefined }]);
    expect(push.threads).to.deep.equal([]);
  });

  it('succeeds only once its pushes have been handed to every node', async () => {
    const push = new RecordingPushChannel();
    const thread = aThread({ threadId: 't1' });
    rightOf(await run(new PushStoredMessage(push).execute({ threadId: 't1', message: aMessage(), thread })));
    expect(push.handOvers, 'one hand-over, after the message and the thread were pushed').to.deep.equal([2]);
  });

  it('surfaces a push that could not be handed to every node, having pushed what this node can reach', async () => {
    const push = new RecordingPushChannel();
    push.failHandOvers(backendUnavailable('the other nodes cannot be reached'));
    const message = aMessage();

    const error = leftOf(await run(new PushStoredMessage(push).execute({ threadId: 't1', message })));

    expect(error._tag).to.equal('BACKEND_UNAVAILABLE');
    expect(push.messages).to.deep.equal([{ threadId: 't1', message, except: undefined }]);
  });

  it('pushes and hands over nothing for a thread of another threadId than the path', async () => {
    const push = new RecordingPushChannel();
    const error = leftOf(await run(new PushStoredMessage(push).execute({ threadId: 't1', message: aMessage(), thread: aThread({ threadId: 't2' }) })));
    expect(error._tag).to.equal('BAD_REQUEST');
    expect(push.pushedNothing).to.equal(true);
    expect(push.handOvers).to.deep.equal([]);
  });
});

describe('DisconnectUser', () => {
  it('hands the disconnect of every connection of the user over', async () => {
    const push = new RecordingPushChannel();
    rightOf(await run(new DisconnectUser(push).execute('mallory')));
    expect(push.disconnects).to.deep.equal(['mallory']);
  });

  it('surfaces a disconnect that could not be handed to every node', async () => {
    const push = new RecordingPushChannel();
    push.failDisconnects(backendUnavailable('the other nodes cannot be reached'));
    const error = leftOf(await run(new DisconnectUser(push).execute('mallory')));
    expect(error._tag).to.equal('BACKEND_UNAVAILABLE');
    expect(push.disconnects).to.deep.equal([]);
  });
});
