// `npm run bench -- inbox`: the inbox with 10,000 open tasks in the database (all offered to one
// archivist's group, the worst case): API latency of the first page, of filtered, sorted and
// deep pages, of the workbench counts and the facets; the time a real browser takes to show the
// inbox page; and the gzipped JavaScript of the entry chunk and of each page (target: the inbox
// page under 1 s, its JavaScript under 200 KB gzipped, bpmn-js never on it).
// Build the client first (`npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../test/helpers/server.ts';
import { openBrowser, login } from '../test/e2e/browser.ts';
import { clientDist } from '../server/app.ts';
import { NO_DUE } from '../server/engine/run.ts';

const OPEN_TASKS = 10_000;
const HOUR = 3_600_000;

export async function seedTasks(sys: TestSystem): Promise<void> {
  const db = sys.services.db;
  const dep = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const custodian = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const applicants = await db('users as u')
    .join('org_units as o', 'o.id', 'u.org_unit_id')
    .whereIn('u.username', ['applicant1', 'applicant2', 'producer1', 'unithead1'])
    .select('u.id', 'u.display_name', 'o.id as org_id', 'o.name as org_name', 'o.path as org_path');
  const now = sys.clock.now().getTime();
  const instances: object[] = [];
  const tasks: object[] = [];
  const cases: object[] = [];
  for (let i = 0; i < OPEN_TASKS; i++) {
    const id = randomUUID();
    const who = applicants[i % applicants.length];
    const created = new Date(now - (i % 500) * HOUR - i * 1000).toISOString();
    // A spread of deadlines: overdue, due soon, later, none.
    const bucket = i % 10;
    const due = bucket === 0 ? null : new Date(now + (bucket - 3) * 12 * HOUR).toISOString();
    instances.push({
      id,
      deployment_id: dep.id,
      process_key: 'borrowing',
      version: dep.version,
      business_key: `JY-2026-${String(i).padStart(5, '0')}`,
      status: 'running',
      rev: 1,
      state: '{}',
      variables: '{}',
      active_elements: '["archivistReview"]',
      started_by: who.id,
      started_at: created,
    });
    cases.push({
      instance_id: id,
      process_key: 'borrowing',
      process_name: dep.name,
      subject: `电子查阅：第 ${i} 号申请，拟提拔考察需查阅任免材料`,
      initiator_id: who.id,
      initiator_name: who.display_name,
      initiator_org_id: who.org_id,
      initiator_org_name: who.org_name,
      initiator_org_path: who.org_path,
      search_text: `${dep.name} jy-2026-${String(i).padStart(5, '0')} 电子查阅：第 ${i} 号申请 ${who.display_name} ${who.org_name}`.toLowerCase(),
      started_at: created,
    });
    tasks.push({
      id: randomUUID(),
      instance_id: id,
      process_key: 'borrowing',
      element_id: 'archivistReview',
      execution_id: `archivistReview_${i}`,
      name: '档案管理员受理审查',
      candidate_role: 'archivist',
      candidate_org_id: custodian.id,
      form_key: 'approval',
      due_at: due,
      sort_due: due ?? NO_DUE,
      status: 'open',
      created_at: created,
    });
  }
  await db.batchInsert('process_instances', instances as any[], 500);
  await db.batchInsert('workflow_cases', cases as any[], 500);
  await db.batchInsert('tasks', tasks as any[], 500);
  // Fresh statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would keep them.
  await db.raw('analyze');
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function timeApi(sys: TestSystem, label: string, url: string, runs = 40): Promise<void> {
  const c = await sys.as('archivist1');
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    const r = await c.get(url);
    const dt = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
    total = r.body.total ?? r.body.open ?? 0;
    if (i >= 3) times.push(dt);
  }
  console.log(`  ${label.padEnd(44)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms   p95 ${pct(times, 95).toFixed(1).padStart(6)} ms   (${total})`);
}

async function timeBrowser(sys: TestSystem): Promise<number[]> {
  const b = await openBrowser(sys.url);
  try {
    await login(b.page, sys.url, 'archivist1');
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await b.page.goto(`${sys.url}/inbox`, { waitUntil: 'commit' });
      await b.page.locator('table.inbox tbody tr').nth(49).waitFor();
      times.push(await b.page.evaluate(() => performance.now()));
    }
    if (b.problems.length) throw new Error(`browser problems: ${b.problems.join('; ')}`);
    return times;
  } finally {
    await b.close();
  }
}

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** Gzipped bytes of the JavaScript a page loads: its chunk and every static import, transitively. */
function jsClosure(manifest: Record<string, Chunk>, keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string) => {
    const c = manifest[k];
    if (!c || seen.has(c.file)) return;
    seen.add(c.file);
    for (const i of c.imports ?? []) visit(i);
  };
  keys.forEach(visit);
  return seen;
}

const gz = (files: Iterable<string>) => [...files].reduce((n, f) => n + gzipSync(fs.readFileSync(path.join(clientDist, f))).length, 0);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function bundleSizes(): void {
  const file = path.join(clientDist, '.vite', 'manifest.json');
  if (!fs.existsSync(file)) throw new Error('client/dist/.vite/manifest.json missing: run `npm run build` first');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Chunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
  const entry = jsClosure(manifest, [entryKey]);
  console.log(`  entry chunk and its imports                  ${kb(gz(entry))} gz`);
  const viewer = Object.keys(manifest).find((k) => k.endsWith('diagram/viewer.ts'));
  const viewerFiles = viewer ? jsClosure(manifest, [viewer]) : new Set<string>();
  for (const key of Object.keys(manifest).filter((k) => k.startsWith('src/pages/')).sort()) {
    const all = jsClosure(manifest, [entryKey, key]);
    const own = [...all].filter((f) => !entry.has(f));
    // The bundler's runtime helper chunk is shared by many chunks and says nothing about bpmn-js.
    const withBpmn = [...viewerFiles].some((f) => all.has(f) && !f.includes('rolldown-runtime'));
    const name = key.replace('src/pages/', '').replace('.svelte', '');
    console.log(
      `  ${name.padEnd(44)} ${kb(gz(all)).padStart(9)} gz in all (${kb(gz(own))} beyond the entry)${withBpmn ? '  ⚠ bpmn-js loaded eagerly' : ''}`,
    );
  }
  if (viewer) console.log(`  bpmn-js viewer (loaded only with a diagram)  ${kb(gz(viewerFiles))} gz`);
}

export async function run(): Promise<void> {
  console.log('  JavaScript (gzipped, from client/dist):');
  bundleSizes();
  const sys = await startSystem();
  try {
    const t0 = performance.now();
    await seedTasks(sys);
    console.log(`  seeded ${OPEN_TASKS} open tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s (${sys.services.config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`);
    await timeApi(sys, 'GET /api/tasks (first page of 50, by due)', '/api/tasks?limit=50');
    await timeApi(sys, 'GET /api/tasks sort=age', '/api/tasks?limit=50&sort=age');
    await timeApi(sys, 'GET /api/tasks due=overdue', '/api/tasks?limit=50&due=overdue');
    await timeApi(sys, 'GET /api/tasks q=text', `/api/tasks?limit=50&q=${encodeURIComponent('第 4242 号')}`);
    const unit = await sys.services.db('org_units').where({ code: '150300' }).first();
    await timeApi(sys, 'GET /api/tasks unitId (subtree)', `/api/tasks?limit=50&unitId=${unit.id}`);
    await timeApi(sys, 'GET /api/tasks page 100 (offset 4950)', '/api/tasks?limit=50&offset=4950');
    await timeApi(sys, 'GET /api/tasks/summary', '/api/tasks/summary');
    await timeApi(sys, 'GET /api/tasks/facets', '/api/tasks/facets');
    const times = await timeBrowser(sys);
    console.log(
      `  inbox page in chromium, navigation to 50 rows shown: first ${times[0].toFixed(0)} ms, then p50 ${pct(times.slice(1), 50).toFixed(0)} ms, max ${Math.max(...times.slice(1)).toFixed(0)} ms (target < 1000 ms)`,
    );
  } finally {
    await sys.close();
  }
}
