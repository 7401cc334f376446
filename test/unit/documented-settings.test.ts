import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { testKeys } from '../support/keys.js';

/**
 * The settings tables of docs/configuration.md and README.md against the
 * code: every variable `src/config.ts` reads is documented, and every
 * default a table states is the one ECB applies (setting a variable to its
 * documented default changes nothing).
 */

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** `| \`ECB_X\` | \`default\` |` rows, and `| \`ECB_X\` / \`_BURST\` | \`a\` / \`b\` |` pairs. */
const documentedDefaults = (markdown: string): Map<string, string> => {
  const defaults = new Map<string, string>();
  const row = /^\| `(ECB_[A-Z0-9_]+)`(?: \/ `(_[A-Z0-9_]+)`)? \| `([^`]+)`(?: \/ `([^`]+)`)? \|/gm;
  for (const [, name, suffix, value, suffixValue] of markdown.matchAll(row)) {
    defaults.set(name!, value!);
    if (suffix !== undefined && suffixValue !== undefined) defaults.set(name! + suffix, suffixValue);
  }
  return defaults;
};

describe('documented settings', () => {
  let minimal: Record<string, string>;
  before(async () => {
    minimal = { ECB_BACKEND_URL: 'http://backend.internal/ecb', ECB_PUBLIC_KEY: (await testKeys()).publicPem };
  });

  it('documents in docs/configuration.md every variable src/config.ts reads', () => {
    const source = read('src/config.ts');
    const variables = new Set(source.match(/'ECB_[A-Z0-9_]+'/g)!.map((quoted) => quoted.slice(1, -1)));
    // a rate also reads its burst, `${name}_BURST`
    for (const [, rate] of source.matchAll(/\brate\(env, '(ECB_[A-Z0-9_]+)'/g)) variables.add(`${rate}_BURST`);
    const documentation = read('docs/configuration.md');
    // a `_BURST` variable is documented on its own row, or beside its rate (`ECB_RATE_X` / `_BURST`)
    const documented = (name: string): boolean =>
      documentation.includes(`\`${name}\``) || documentation.includes(`\`${name.replace(/_BURST$/, '')}\` / \`_BURST\``);
    const undocumented = [...variables].filter((name) => !documented(name));
    expect(variables.size).to.be.greaterThan(30);
    expect(undocumented).to.deep.equal([]);
  });

  for (const file of ['docs/configuration.md', 'README.md']) {
    it(`states in ${file} the defaults ECB applies`, () => {
      const defaults = documentedDefaults(read(file));
      expect(defaults.size, 'rows read').to.be.greaterThan(file === 'README.md' ? 15 : 30);
      const applied = loadConfig(minimal);
      const differing = [...defaults]
        .filter(([name, value]) => JSON.stringify(loadConfig({ ...minimal, [name]: value })) !== JSON.stringify(applied))
        .map(([name, value]) => `${name}=${value}`);
      expect(differing, 'variables whose documented default is not the one applied').to.deep.equal([]);
    });
  }

  it('would notice a wrong default (the check can fail)', () => {
    const applied = loadConfig(minimal);
    expect(JSON.stringify(loadConfig({ ...minimal, ECB_BACKEND_BREAKER_THRESHOLD: '20' }))).not.to.equal(JSON.stringify(applied));
  });
});
