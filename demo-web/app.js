import { Chat } from './chat.js';
import { el } from './render.js';

/** The reference backend's seeded users (reference-backend/seed.ts); each signs in with `access-<userId>`. */
const DEMO_USERS = [
  { userId: 'alice', displayName: 'Alice', about: 'Colleague' },
  { userId: 'bob', displayName: 'Bob', about: 'Colleague' },
  { userId: 'carol', displayName: 'Carol', about: 'Colleague' },
  { userId: 'agent-sam', displayName: 'Sam', about: 'Support agent' },
  { userId: 'cust-dana', displayName: 'Dana', about: 'Customer' },
  { userId: 'cust-eli', displayName: 'Eli', about: 'Customer' },
];

const fatal = (text) => {
  const box = document.getElementById('fatal');
  box.textContent = text;
  box.hidden = false;
};

const showPicker = () => {
  const links = DEMO_USERS.map((user) =>
    el(
      'li',
      {},
      el(
        'a',
        { class: 'user-card', href: `?user=${encodeURIComponent(user.userId)}` },
        el('span', { class: 'user-name' }, user.displayName),
        el('span', { class: 'role' }, `${user.about} · ${user.userId}`),
      ),
    ),
  );
  document.getElementById('user-picker').replaceChildren(...links);
  document.getElementById('signin').hidden = false;
};

const startChat = async (userId) => {
  const library = window.EcbClient;
  if (library === undefined) {
    fatal('The client library did not load from /ecb-client.js. Build it (npm run build) and reload.');
    return;
  }
  document.getElementById('me').hidden = false;
  document.getElementById('chat').hidden = false;
  // The demo reconnects quickly; production apps may keep the library's default backoff.
  const client = new library.EcbClient(location.origin, { accessToken: `access-${userId}`, reconnect: { maxDelayMs: 3_000 } });
  const chat = new Chat(client, userId);
  try {
    await chat.start();
    document.body.dataset.ready = 'true'; // for tests and scripts: the lists are loaded
  } catch (error) {
    fatal(`Could not sign in as ${userId} (${error?.code ?? 'ERROR'}). Pick another user.`);
    document.getElementById('chat').hidden = true;
    await client.close();
  }
};

const userId = new URLSearchParams(location.search).get('user');
if (userId) void startChat(userId);
else showPicker();
