#!/usr/bin/env -S node --max-semi-space-size=32
// The `ecb` command. The TypeScript is compiled to dist/ by `npm run build`
// (run automatically by npm install, npm start and npm test).
// The Node flag above is ECB's runtime setting: a young generation of 32 MiB
// semi-spaces instead of Node's 16, which cuts ECB's CPU per message by
// 10-20 % under load (docs/benchmarks.md, finding 8; docs/operations.md).
// `./bin/ecb.js`, `npx ecb` and the npm scripts run with it; `node bin/ecb.js`
// does not (pass the flag yourself, or NODE_OPTIONS).
import('../dist/src/cli/ecb.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('ecb: not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
});
