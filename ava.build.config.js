// `npm test`'s configuration: the suite compiled by scripts/build-tests.ts, run without tsx.
// package.json's "ava" runs a test from its source (`npx ava path/to/x.test.ts`), as developers do.
export default {
  files: ['compiled/server/**/*.test.js', 'compiled/test/**/*.test.js'],
  nodeArguments: ['--expose-gc'],
  workerThreads: false,
  timeout: '3m',
  concurrency: 2,
};
