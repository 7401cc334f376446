#!/usr/bin/env node
// The `ecb` command. The TypeScript is compiled to dist/ by `npm run build`
// (run automatically by npm install, npm start and npm test).
import('../dist/src/cli/ecb.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('ecb: not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
});
