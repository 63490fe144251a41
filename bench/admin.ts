// `npm run bench -- admin`: process administration with 20,000 cases of one version in the
// database (mixed: running at two steps, incidents, suspended, finished): the operations view's
// counts per element, the instance list with its filters, the version list; the deploy-time check
// of the borrowing diagram on the server; in chromium, the modeler page from navigation to "check
// passed"; and the JavaScript the modeler and the form editor load (only on their pages).
// Build the client first (`npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../test/helpers/server.ts';
import { deployFixture } from '../test/helpers/fixtures.ts';
import { openBrowser, login } from '../test/e2e/browser.ts';
import { clientDist } from '../server/app.ts';
import { parseBpmn } from '../server/engine/moddle.ts';
import { lintDefinitions } from '../server/engine/lint/linter.ts';
import { summarise } from './stats.ts';

const CASES = 20_000;

async function seed(sys: TestSystem): Promise<void> {
  await deployFixture(sys.services, 'ops.bpmn');
  const db = sys.services.db;
  const dep = await db('process_deployments').where({ process_key: 'filing' }).first();
  const who = await db('users').where({ username: 'applicant1' }).first();
  const now = sys.clock.now().getTime();
  const instances: object[] = [];
  const jobs: object[] = [];
  for (let i = 0; i < CASES; i++) {
    const id = randomUUID();
    const k = i % 20;
    const status = k < 9 ? 'running' : k < 13 ? 'completed' : k === 13 ? 'incident' : k === 14 ? 'suspended' : k < 18 ? 'running' : 'terminated';
    const active = status === 'completed' || status === 'terminated' ? [] : k < 9 || k === 13 ? ['review', 'remind'] : ['approve'];
    const started = new Date(now - i * 60_000).toISOString();
    instances.push({
      id,
      deployment_id: dep.id,
      process_key: 'filing',
      version: dep.version,
      business_key: null,
      status,
      rev: 1,
      state: '{}',
      variables: '{"initiator":1}',
      active_elements: JSON.stringify(active),
      started_by: who.id,
      started_at: started,
    });
    if (status === 'incident') {
      jobs.push({
        id: randomUUID(), type: 'timer', instance_id: id, element_id: 'remind', execution_id: `remind_${i}`, due_at: started,
        status: 'incident', retries_left: 0, attempts: 3, last_error: 'gateway down', created_at: started,
      });
    }
  }
  await db.batchInsert('process_instances', instances as any[], 500);
  await db.batchInsert('jobs', jobs as any[], 500);
  await db.raw('analyze');
}

async function timeApi(sys: TestSystem, label: string, url: string, runs = 30): Promise<void> {
  const c = await sys.as('procadmin');
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    const r = await c.get(url);
    const dt = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
    if (i >= 3) times.push(dt);
  }
  const s = summarise(times);
  console.log(`  ${label.padEnd(52)} p50 ${s.p50.toFixed(1).padStart(6)} ms   p95 ${s.p95.toFixed(1).padStart(6)} ms`);
}

async function timeLint(sys: TestSystem): Promise<void> {
  const dep = await sys.services.db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const ctx = await sys.services.engine.lintContext(sys.services.db);
  const parse: number[] = [];
  const lint: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const { rootElement } = await parseBpmn(dep.xml);
    const t1 = performance.now();
    await lintDefinitions(rootElement, ctx);
    const t2 = performance.now();
    if (i >= 5) {
      parse.push(t1 - t0);
      lint.push(t2 - t1);
    }
  }
  console.log(`  deploy-time check of borrowing (${dep.xml.length} bytes): parse p50 ${summarise(parse).p50.toFixed(1)} ms, lint p50 ${summarise(lint).p50.toFixed(1)} ms`);
}

async function timeModeler(sys: TestSystem): Promise<void> {
  const b = await openBrowser(sys.url, { width: 1440, height: 900 });
  try {
    await login(b.page, sys.url, 'procadmin');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await b.page.goto(`${sys.url}/admin/processes/borrowing/edit`, { waitUntil: 'commit' });
      await b.page.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
      times.push(await b.page.evaluate(() => performance.now()));
    }
    if (b.problems.length) throw new Error(`browser problems: ${b.problems.join('; ')}`);
    console.log(`  modeler page in chromium, navigation to "check passed": first ${times[0].toFixed(0)} ms, then p50 ${summarise(times.slice(1)).p50.toFixed(0)} ms`);
  } finally {
    await b.close();
  }
}

/** Gzipped size of a dynamically imported module and everything it imports statically. */
function chunkSize(suffix: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(clientDist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[]; css?: string[] }>;
  const key = Object.keys(manifest).find((k) => k.endsWith(suffix));
  if (!key) return 'not built';
  const files = new Set<string>();
  const visit = (k: string) => {
    const c = manifest[k];
    if (!c || files.has(c.file)) return;
    files.add(c.file);
    for (const css of c.css ?? []) files.add(css);
    for (const i of c.imports ?? []) visit(i);
  };
  visit(key);
  const bytes = [...files].reduce((n, f) => n + gzipSync(fs.readFileSync(path.join(clientDist, f))).length, 0);
  return `${(bytes / 1024).toFixed(0)} KB gz (JS and CSS)`;
}

export async function run(): Promise<void> {
  console.log(`  modeler (bpmn-js Modeler, properties panel, live check): ${chunkSize('lib/modeler/modeler.ts')}`);
  console.log(`  form editor (form-js editor):                         ${chunkSize('lib/modeler/form-editor.ts')}`);
  const sys = await startSystem();
  try {
    const t0 = performance.now();
    await seed(sys);
    console.log(`  seeded ${CASES} cases of one version in ${((performance.now() - t0) / 1000).toFixed(1)} s (${sys.services.config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`);
    await timeApi(sys, 'GET …/versions/1/stats (counts per element)', '/api/admin/processes/filing/versions/1/stats');
    await timeApi(sys, 'GET /api/admin/processes (versions with counts)', '/api/admin/processes');
    await timeApi(sys, 'GET /api/admin/instances (first page of 50)', '/api/admin/instances?processKey=filing');
    await timeApi(sys, 'GET /api/admin/instances status=incident', '/api/admin/instances?processKey=filing&status=incident');
    await timeApi(sys, 'GET /api/admin/instances elementId=approve', '/api/admin/instances?processKey=filing&elementId=approve');
    await timeApi(sys, 'GET /api/admin/instances page 200 (offset 9950)', '/api/admin/instances?processKey=filing&offset=9950');
    await timeLint(sys);
    await timeModeler(sys);
  } finally {
    await sys.close();
  }
}
