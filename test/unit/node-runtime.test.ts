import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/adapters/observability/pino-logger.js';
import { adviseOnYoungGeneration, configuredSemiSpaceMiB, RECOMMENDED_SEMI_SPACE_MIB, shebangNodeFlags } from '../../src/node-runtime.js';

describe('the young-generation setting ECB is started with', () => {
  it('is read from the Node flags, in every spelling Node accepts', () => {
    expect(configuredSemiSpaceMiB(['--max-semi-space-size=32'], undefined)).to.equal(32);
    expect(configuredSemiSpaceMiB(['--max_semi_space_size=64'], undefined)).to.equal(64);
    expect(configuredSemiSpaceMiB([], '--max-old-space-size=4096 --max-semi-space-size=24')).to.equal(24);
  });

  it('takes the command line over NODE_OPTIONS, as Node does', () => {
    expect(configuredSemiSpaceMiB(['--max-semi-space-size=32'], '--max-semi-space-size=8')).to.equal(32);
  });

  it("is undefined on Node's default, or with a value Node would not take", () => {
    expect(configuredSemiSpaceMiB([], undefined)).to.equal(undefined);
    expect(configuredSemiSpaceMiB(['--max-old-space-size=4096', '--enable-source-maps'], '')).to.equal(undefined);
    expect(configuredSemiSpaceMiB(['--max-semi-space-size=lots'], undefined)).to.equal(undefined);
    expect(configuredSemiSpaceMiB(['--max-semi-space-size'], undefined)).to.equal(undefined);
    expect(configuredSemiSpaceMiB(['--max-semi-space-size=0'], undefined)).to.equal(undefined);
    expect(configuredSemiSpaceMiB(['--max-semi-space-size-extra=32'], undefined)).to.equal(undefined);
  });

  it("is passed by the executable's `env -S node` line, and only by such a line", () => {
    expect(shebangNodeFlags('#!/usr/bin/env -S node --max-semi-space-size=32\nimport(...)')).to.deep.equal(['--max-semi-space-size=32']);
    expect(shebangNodeFlags('#!/usr/bin/env -S node  --a=1   --b\n')).to.deep.equal(['--a=1', '--b']);
    expect(shebangNodeFlags('#!/usr/bin/env node\n')).to.deep.equal([]);
    expect(shebangNodeFlags('// no shebang --max-semi-space-size=32')).to.deep.equal([]);
  });

  describe('the start-up advice', () => {
    const logged = (semiSpaceMiB: number | undefined): Array<Record<string, unknown>> => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      adviseOnYoungGeneration(createLogger('info', sink), semiSpaceMiB);
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    };

    it("says what Node's default costs and how to pass the setting", () => {
      const [line, ...more] = logged(undefined);
      expect(more).to.have.length(0);
      expect(line).to.include({ semiSpaceMiB: 'default', recommended: RECOMMENDED_SEMI_SPACE_MIB });
      expect(line!['msg']).to.contain(`--max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MIB}`).and.contain('./bin/ecb.js');
    });

    it('says nothing when the setting was passed (whatever its value)', () => {
      expect(logged(32)).to.deep.equal([]);
      expect(logged(8)).to.deep.equal([]);
    });
  });
});
