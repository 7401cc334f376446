// Loaded by mocha before every test file (see .mocharc.json).
import 'reflect-metadata';

// A test that leaves a promise rejected and unhandled must fail the run, not pass silently.
process.on('unhandledRejection', (reason) => {
  throw reason;
});
