import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/adapters/observability/pino-logger.js';
import {
  adviseOnNodeFlags,
  configuredSemiSpaceMiB,
  ECB_NODE_FLAGS,
  nodeRuntimeOf,
  pretenuringOn,
  RECOMMENDED_SEMI_SPACE_MIB,
  shebangNodeFlags,
  type NodeRuntime,
} from '../../src/node-runtime.js';

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

  it('reads whether allocation-site pretenuring is on from the command line, the last flag winning', () => {
    expect(pretenuringOn([])).to.equal(true);
    expect(pretenuringOn(['--no-allocation-site-pretenuring'])).to.equal(false);
    expect(pretenuringOn(['--no_allocation_site_pretenuring'])).to.equal(false);
    expect(pretenuringOn(['--noallocation-site-pretenuring'])).to.equal(false);
    expect(pretenuringOn(['--no-allocation-site-pretenuring', '--allocation-site-pretenuring'])).to.equal(true);
    expect(pretenuringOn(['--no-allocation-site-pretenuring-extra'])).to.equal(true);
    expect(nodeRuntimeOf([...ECB_NODE_FLAGS], undefined)).to.deep.equal({ semiSpaceMiB: RECOMMENDED_SEMI_SPACE_MIB, pretenuring: false });
  });

  describe('the start-up advice', () => {
    const logged = (runtime: NodeRuntime): Array<Record<string, unknown>> => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      adviseOnNodeFlags(createLogger('info', sink), runtime);
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    };

    it("says which of ECB's flags are missing, what that costs, and how to pass them", () => {
      const [line, ...more] = logged({ semiSpaceMiB: undefined, pretenuring: true });
      expect(more).to.have.length(0);
      expect(line).to.deep.include({ semiSpaceMiB: 'default', pretenuring: 'on', missing: [...ECB_NODE_FLAGS], recommended: [...ECB_NODE_FLAGS] });
      expect(line!['msg']).to.contain('--max-semi-space-size=32').and.contain('--no-allocation-site-pretenuring').and.contain('./bin/ecb.js');
    });

    it('names only the flag that is missing', () => {
      expect(logged({ semiSpaceMiB: 32, pretenuring: true })[0]).to.deep.include({ missing: ['--no-allocation-site-pretenuring'] });
      expect(logged({ semiSpaceMiB: undefined, pretenuring: false })[0]).to.deep.include({ missing: ['--max-semi-space-size=32'] });
    });

    it('says nothing when both were passed (whatever the semi-space size)', () => {
      expect(logged({ semiSpaceMiB: 32, pretenuring: false })).to.deep.equal([]);
      expect(logged({ semiSpaceMiB: 8, pretenuring: false })).to.deep.equal([]);
    });
  });
});
