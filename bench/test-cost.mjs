// What each test process of `npm test` costs: wall time, its own CPU, its children's CPU (chromium),
// and its password checks (scrypt calls). Loaded into every node process of the run; only ava's
// workers write a line (JSON) to $TEST_COST_LOG when they exit:
//   TEST_COST_LOG=/tmp/cost.jsonl NODE_OPTIONS=--import=./bench/test-cost.mjs npm test
//   node bench/test-cost.mjs /tmp/cost.jsonl      # the totals
import fs from 'node:fs';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.TEST_COST_LOG;
if (log && process.argv[1]?.includes('worker/base.js')) {
  let file = '';
  let scrypts = 0;
  const scrypt = crypto.scrypt;
  crypto.scrypt = function (...args) {
    scrypts++;
    return scrypt.apply(this, args);
  };
  syncBuiltinESMExports();
  // The first message from ava names the test file.
  process.once('message', (m) => (file = JSON.stringify(m).match(/"file":"([^"]+)"/)?.[1] ?? ''));
  process.on('exit', () => {
    // /proc/self/stat fields 16 and 17: CPU of the children waited for (chromium), in ticks.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const cpu = process.cpuUsage();
    fs.appendFileSync(
      log,
      `${JSON.stringify({ file, wallMs: Math.round(performance.now()), cpuS: (cpu.user + cpu.system) / 1e6, childCpuS: (Number(stat[13]) + Number(stat[14])) / 100, scrypts })}\n`,
    );
  });
} else if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1]) && process.argv[2]) {
  const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
  console.log(`${rows.length} test files: CPU ${sum('cpuS').toFixed(0)} s, children ${sum('childCpuS').toFixed(0)} s, ${sum('scrypts')} password checks`);
  for (const r of rows.sort((a, b) => b.cpuS - a.cpuS).slice(0, 10)) console.log(`${r.cpuS.toFixed(1).padStart(7)} s  ${r.file}`);
}
