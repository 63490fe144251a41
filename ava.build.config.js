// `npm test`'s configuration: the suite compiled by scripts/build-tests.ts, run without tsx.
// package.json's "ava" runs a test from its source (`npx ava path/to/x.test.ts`), as developers do.
export default {
  files: ['compiled/server/**/*.test.js', 'compiled/test/**/*.test.js'],
  nodeArguments: ['--expose-gc'],
  workerThreads: false,
  timeout: '3m',
  // Three test files at a time: with two, a half used about two thirds of the two cores (1,110 s of CPU
  // in ~820 s; browser tests wait on chromium, servers on timers). Three passed twice on a machine
  // loaded by other work (load 8–18), the XLSX reader's responsiveness test included.
  concurrency: 3,
};
