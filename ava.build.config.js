// `npm test`'s configuration: the suite compiled by scripts/build-tests.ts, run without tsx.
// package.json's "ava" runs a test from its source (`npx ava path/to/x.test.ts`), as developers do.

// The longest files first: ava starts the files in this order, three at a time, and a long file
// started late runs on alone at the end of a half while the cores idle (by default ava goes by
// folder: the archive imports, the copies' PDF limits and the browser tests came in the middle or
// late). LONGEST is measured on a PostgreSQL half (README, "CI time"), longest first; then the
// browser tests, each a few times a plain API file; then the rest, by name.
const LONGEST = [
  'server/engine/memory.test.js',
  'test/copies/extract-limits.test.js',
  'server/admin/backup.test.js',
  'test/archives/transferred-out.test.js',
  'test/e2e/admin-operations.test.js',
  'test/e2e/archive-status-refresh.test.js',
  'test/e2e/admin-modeler.test.js',
  'test/archives/import.test.js',
  'test/archives/import-busy.test.js',
  'test/copies/extract-pdf.test.js',
  'test/archives/import-digitised.test.js',
  'test/deadlines/deadlines.test.js',
  'test/archives/import-xlsx.test.js',
  'test/archives/import-checks.test.js',
  'test/e2e/admin-lint.test.js',
  'test/e2e/admin-forms.test.js',
  'test/copies/certified-pdf.test.js',
  'server/audit/audit.test.js',
  'test/archives/import-busy-early.test.js',
  'server/processes/processes.test.js',
  'server/workflow/attachments.test.js',
];
const rank = (file) => {
  const i = LONGEST.findIndex((f) => file.endsWith(`/compiled/${f}`));
  if (i >= 0) return i;
  return LONGEST.length + (file.includes('/compiled/test/e2e/') ? 0 : 1);
};

export default {
  files: ['compiled/server/**/*.test.js', 'compiled/test/**/*.test.js'],
  nodeArguments: ['--expose-gc'],
  workerThreads: false,
  timeout: '3m',
  // Three test files at a time: with two, a half used about two thirds of the two cores (1,110 s of CPU
  // in ~820 s; browser tests wait on chromium, servers on timers). Three passed twice on a machine
  // loaded by other work (load 8–18), the XLSX reader's responsiveness test included.
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
};
