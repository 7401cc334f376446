import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dependency rule (STYLE.md habit 1), checked mechanically: the core
 * (src/domain, src/application) depends on nothing but itself and fp-ts/io-ts,
 * and carries no framework decorators.
 */

type Layer = 'domain' | 'application';

/** Packages the core may use, by package name. */
const ALLOWED_PACKAGES = ['fp-ts', 'io-ts'];

/** Folders under src/ each layer may import from. */
const ALLOWED_FOLDERS: Record<Layer, readonly string[]> = {
  domain: ['domain'],
  application: ['domain', 'application'],
};

interface Violation {
  readonly file: string;
  readonly problem: string;
}

/**
 * Every module specifier a source file imports or re-exports: static
 * `import ... from`, `export ... from`, side-effect `import '...'`, dynamic
 * `import('...')` and `require('...')`. Static forms are matched only at the
 * start of a line, so a comment that mentions an import is not one.
 */
const moduleSpecifiers = (source: string): string[] => {
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*(['"])([^'"]+)\1/gm,
    /^\s*import\s*(['"])([^'"]+)\1/gm,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
    /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[2] ?? ''));
};

const packageName = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
};

/** Code lines only: lines of line comments and block comments do not count. */
const codeLines = (source: string): string[] =>
  source.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line));

/**
 * What is wrong with one core file. `file` is its path relative to src/
 * (e.g. `application/send-message.ts`), which locates relative imports.
 */
const checkCoreFile = (layer: Layer, file: string, source: string): Violation[] => {
  const violations: Violation[] = [];
  for (const specifier of moduleSpecifiers(source)) {
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const folder = target.split('/')[0] ?? '';
      if (target.startsWith('..') || !target.includes('/') || !ALLOWED_FOLDERS[layer].includes(folder)) {
        violations.push({ file, problem: `imports '${specifier}' (src/${target}), outside ${ALLOWED_FOLDERS[layer].join(', ')}` });
      }
    } else if (!ALLOWED_PACKAGES.includes(packageName(specifier))) {
      violations.push({ file, problem: `imports '${specifier}'; the ${layer} layer may use only ${ALLOWED_PACKAGES.join(', ')}` });
    }
  }
  for (const line of codeLines(source)) {
    if (/@injectable\b|@inject\s*\(/.test(line)) {
      violations.push({ file, problem: `carries a framework decorator: ${line.trim()}` });
    }
  }
  return violations;
};

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

const coreFiles = (layer: Layer): string[] =>
  (readdirSync(posix.join(SRC, layer), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts'))
    .map((name) => posix.join(layer, name.split('\\').join('/')));

describe('the dependency rule', () => {
  describe('the checker itself', () => {
    it('passes a clean core file', () => {
      const clean = [
        "import * as E from 'fp-ts/lib/Either.js';",
        "import * as t from 'io-ts/lib/index.js';",
        "import type { Thread } from '../domain/thread.js';",
        "export { isTyping } from '../domain/message.js';",
        "import type { Clock } from './ports/clock.js';",
        '// import Koa from "koa" -- only a comment',
        ' * @inject(TOKENS.Clock) is for adapters, not for this file',
      ].join('\n');
      expect(checkCoreFile('application', 'application/x.ts', clean)).to.deep.equal([]);
    });

    const planted: ReadonlyArray<{ name: string; layer: Layer; source: string; mentions: string }> = [
      { name: 'a default import of koa', layer: 'domain', source: "import Koa from 'koa';", mentions: 'koa' },
      { name: 'a multi-line named import of a scoped package', layer: 'application', source: "import {\n  Router,\n  type Ctx,\n} from '@koa/router';", mentions: '@koa/router' },
      { name: 'a type-only import of jose', layer: 'application', source: "import type { JWTPayload } from \"jose\";", mentions: 'jose' },
      { name: 'a namespace import of socket.io', layer: 'application', source: "import * as io from 'socket.io';", mentions: 'socket.io' },
      { name: 'a re-export from an adapter', layer: 'application', source: "export { HttpBackendGateway } from '../adapters/backend/http-backend-gateway.js';", mentions: 'adapters' },
      { name: 'a star re-export from an adapter', layer: 'application', source: "export * from '../adapters/http/routes.js';", mentions: 'adapters' },
      { name: 'a side-effect import of an adapter', layer: 'application', source: "import '../adapters/socket/register.js';", mentions: 'adapters' },
      { name: 'a dynamic import of pino', layer: 'application', source: "const pino = await import('pino');", mentions: 'pino' },
      { name: 'a require of redis', layer: 'domain', source: "const redis = require('redis');", mentions: 'redis' },
      { name: 'a node: module', layer: 'domain', source: "import { readFileSync } from 'node:fs';", mentions: 'node:fs' },
      { name: 'a bare Node built-in', layer: 'application', source: "import { EventEmitter } from 'events';", mentions: 'events' },
      { name: 'inversify', layer: 'application', source: "import { injectable } from 'inversify';", mentions: 'inversify' },
      { name: 'the composition tokens', layer: 'application', source: "import { TOKENS } from '../tokens.js';", mentions: 'tokens' },
      { name: 'the config', layer: 'domain', source: "import { loadConfig } from '../config.js';", mentions: 'config' },
      { name: 'the application, from the domain', layer: 'domain', source: "import type { Clock } from '../application/ports/clock.js';", mentions: 'application' },
      { name: 'a path escaping src', layer: 'domain', source: "import { x } from '../../test/support/builders.js';", mentions: 'builders' },
      { name: 'an @injectable decorator', layer: 'application', source: '@injectable()\nexport class SendMessage {}', mentions: '@injectable' },
      { name: 'an @inject parameter decorator', layer: 'application', source: 'constructor(@inject(TOKENS.Clock) clock: Clock) {}', mentions: '@inject(' },
    ];
    for (const { name, layer, source, mentions } of planted) {
      it(`catches ${name} in src/${layer}`, () => {
        const violations = checkCoreFile(layer, `${layer}/planted.ts`, source);
        expect(violations).to.have.lengthOf(1);
        expect(violations[0]?.problem).to.contain(mentions);
      });
    }
  });

  for (const layer of ['domain', 'application'] as const) {
    describe(`src/${layer}`, () => {
      const files = coreFiles(layer);

      it('is found and read, so the rule is checked against real files', () => {
        expect(files, `no .ts files under ${SRC}${layer}`).not.to.be.empty;
        const specifiers = files.flatMap((file) => moduleSpecifiers(readFileSync(posix.join(SRC, file), 'utf8')));
        expect(specifiers, 'no imports found at all: the parser is not looking at the code').not.to.be.empty;
      });

      it(`imports only ${ALLOWED_FOLDERS[layer].map((f) => `src/${f}`).join(', ')}, fp-ts and io-ts, with no decorators`, () => {
        const violations = files.flatMap((file) =>
          checkCoreFile(layer, file, readFileSync(posix.join(SRC, file), 'utf8')),
        );
        expect(violations.map((v) => `src/${v.file} ${v.problem}`)).to.deep.equal([]);
      });
    });
  }
});
