#!/usr/bin/env -S node --max-semi-space-size=32 --no-allocation-site-pretenuring
// The `ecb` command. The TypeScript is compiled to dist/ by `npm run build`
// (run automatically by npm install, npm start and npm test).
// The Node flags above are ECB's runtime settings: a young generation of
// 32 MiB semi-spaces instead of Node's 16, which cuts ECB's CPU per message
// by 10-20 % under load (ADR 0009; docs/benchmarks.md, finding 8), and V8's
// allocation-site pretenuring off, which otherwise can move per-request
// objects to the old generation and double the collector's pauses (ADR 0010;
// finding 12). `./bin/ecb.js`, `npx ecb` and the npm scripts run with them;
// `node bin/ecb.js` does not (pass them yourself; NODE_OPTIONS takes only
// the first).
import('../dist/src/cli/ecb.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('ecb: not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
});
