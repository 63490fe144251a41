// The engine benchmark (issue 2): N cases of a three-step approval chain (start, then the unit
// head, the archivist and the chief approve: 4 commands; test/fixtures/approval-chain.bpmn, the
// foundation's first borrowing diagram, so the figures stay comparable) three ways —
//   baseline  plain bpmn-engine in memory, XML parsed per instance, no persistence;
//   ceiling   the module's engine work alone, in memory: each command builds an engine on the cached
//             definition, recovers the state from JSON, acts and serialises the state again, with no
//             database. What recovering per command costs on bpmn-engine: the module cannot beat it;
//   module    the engine module alone: cached definition, one DB transaction per command (SQLite,
//             or PostgreSQL when DATABASE_URL is set), recover → act → persist its own rows
//             (instance, tasks, history), no domain listening;
//   engine    the same engine as the system wires it: its hooks also keep the case index and
//             write the task notices (workflow_cases, mail_outbox) in each command;
//   http      the real API over HTTP with logged-in users (each step: inbox read + complete).
// Prints instances/s, p50/p95 ms per command, peak RSS and the ratios to the baseline. The three
// run in interleaved rounds (baseline, ceiling, module, engine, http, baseline, …) so that a change in the machine's
// load during the run weighs on all three alike; each round's ratios are printed too.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { startSystem } from '../test/helpers/server.ts';
import { deployFixture, fixture } from '../test/helpers/fixtures.ts';
import { createExpressions, refuseScripts } from '../server/engine/expressions.ts';
import { moddleOptions } from '../server/engine/moddle.ts';
import { actorOf } from '../server/workflow/service.ts';
import { EngineHooks, ServiceRegistry, WorkflowEngine } from '../server/engine/index.ts';
import { createWorkflowEngine } from '../server/services.ts';
import { bpmnEngine, leanState } from '../server/engine/run.ts';
import type { LoadedDefinition } from '../server/engine/definitions.ts';
import { createBenchStats, peakRss, type Stats } from './stats.ts';

const N = Number(process.env.BENCH_INSTANCES ?? 300);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WARMUP = 30;
const STEPS = [
  ['unitHeadReview', 'unithead1'],
  ['archivistReview', 'archivist1'],
  ['chiefApproval', 'chief1'],
] as const;
const decision = { decision: 'approve', comment: '同意。' };

async function baseline(source: string, n: number, stats: Stats): Promise<void> {
  const expressions = createExpressions({ service: () => undefined, params: {} });
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const engine = new Engine({ name: `b${i}`, source, moddleOptions, expressions, scripts: refuseScripts as any });
    const listener = new EventEmitter();
    const waits: any[] = [];
    listener.on('wait', (api: any) => waits.push(api));
    const ended = engine.waitFor('end');
    await engine.execute({ listener, variables: { dangan: { purpose: '2' } } });
    while (!waits.length) await new Promise((r) => setImmediate(r));
    stats.add('start', performance.now() - t0);
    for (let s = 0; s < STEPS.length; s++) {
      const t1 = performance.now();
      const api = waits.shift();
      Object.assign(api.environment.variables.dangan, decision);
      api.signal(decision);
      if (s < STEPS.length - 1) while (!waits.length) await new Promise((r) => setImmediate(r));
      else await ended;
      stats.add('complete', performance.now() - t1);
    }
    stats.instance(performance.now() - t0);
  }
}

/** Recover → act → serialise per command, as the module does, but with no database and no rows. */
async function ceiling(def: LoadedDefinition, n: number, stats: Stats): Promise<void> {
  const expressions = createExpressions({ service: () => undefined, params: {} });
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    let engine = bpmnEngine(`c${i}`, def.sourceContext, expressions);
    await engine.execute({ listener: new EventEmitter(), variables: { dangan: { purpose: '2' } } });
    let state = JSON.stringify(leanState(engine));
    stats.add('start', performance.now() - t0);
    for (const [elementId] of STEPS) {
      const t1 = performance.now();
      engine = bpmnEngine(`c${i}`, def.sourceContext, expressions);
      engine.recover(JSON.parse(state));
      await engine.resume({ listener: new EventEmitter() });
      const api = engine.execution.getPostponed().find((a: any) => a.id === elementId);
      if (!api) throw new Error(`ceiling: ${elementId} is not waiting`);
      Object.assign(api.environment.variables.dangan, decision);
      api.signal(decision);
      state = JSON.stringify(leanState(engine));
      stats.add('complete', performance.now() - t1);
    }
    if (engine.execution.state !== 'idle' || engine.execution.isRunning) throw new Error(`ceiling: the case did not end (${engine.execution.state})`);
    stats.instance(performance.now() - t0);
  }
}

/** Records into the whole run's figures and the round's at once. */
function both(a: Stats, b: Stats): Stats {
  return {
    add: (command, ms) => (a.add(command, ms), b.add(command, ms)),
    instance: (ms) => (a.instance(ms), b.instance(ms)),
    summary: () => a.summary(),
  };
}

export async function run(): Promise<void> {
  const source = fixture('approval-chain.bpmn');
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
  console.log(`${N} approval-chain cases × 4 commands (start + 3 approvals); database: ${db}`);

  const sys = await startSystem();
  try {
    const s = sys.services;
    await deployFixture(s, 'approval-chain.bpmn');
    const load = async (username: string) => {
      const u = await s.db('users').where({ username }).first();
      const roles = (await s.db('user_roles').where({ user_id: u.id })).map((r: { role: string }) => r.role);
      return actorOf({ id: u.id, username, roles, orgUnitId: u.org_unit_id, displayName: '', language: 'zh', sessionId: '' });
    };
    const applicant = await load('applicant1');
    const approvers = Object.fromEntries(await Promise.all(STEPS.map(async ([, u]) => [u, await load(u)])));
    const variables = {};

    // The module alone: configured as the system configures it, without the domains' hooks and services.
    const moduleEngine = createWorkflowEngine(s.config, s.clock, {
      hooks: new EngineHooks(),
      services: new ServiceRegistry(),
      candidateOrg: () => null,
    });

    const engineCase = (engine: WorkflowEngine) => async (stats: Stats) => {
      const t0 = performance.now();
      const inst = await s.db.transaction((trx) => engine.start(trx, { processKey: 'approvalChain', variables, actor: applicant }));
      stats.add('start', performance.now() - t0);
      for (const [, username] of STEPS) {
        const task = await s.db('tasks').where({ instance_id: inst.id, status: 'open' }).first('id');
        const t1 = performance.now();
        await s.db.transaction((trx) => engine.complete(trx, task.id, approvers[username], decision));
        stats.add('complete', performance.now() - t1);
      }
      stats.instance(performance.now() - t0);
    };

    const clients = {
      applicant1: await sys.as('applicant1'),
      unithead1: await sys.as('unithead1'),
      archivist1: await sys.as('archivist1'),
      chief1: await sys.as('chief1'),
    };
    const httpCase = async (stats: Stats) => {
      const t0 = performance.now();
      const started = await clients.applicant1.post('/api/process-instances', { processKey: 'approvalChain', variables });
      if (started.status !== 201) throw new Error(`start: ${started.status}`);
      stats.add('start', performance.now() - t0);
      for (const [elementId, username] of STEPS) {
        const c = clients[username];
        const t1 = performance.now();
        const inbox = await c.get(`/api/tasks?filter=open&processKey=approvalChain&limit=200`);
        const task = inbox.body.items.find((x: any) => x.instanceId === started.body.id && x.elementId === elementId);
        stats.add('inbox', performance.now() - t1);
        const t2 = performance.now();
        const done = await c.post(`/api/tasks/${task.id}/complete`, { variables: decision });
        if (done.status !== 200) throw new Error(`complete: ${done.status}`);
        stats.add('complete', performance.now() - t2);
      }
      stats.instance(performance.now() - t0);
    };

    const moduleCase = engineCase(moduleEngine);
    const systemCase = engineCase(s.engine);
    const def = await s.engine.definitions.latest(s.db, 'approvalChain');
    await baseline(source, WARMUP, createBenchStats());
    await ceiling(def, WARMUP, createBenchStats());
    for (let i = 0; i < WARMUP; i++) await moduleCase(createBenchStats());
    for (let i = 0; i < WARMUP; i++) await systemCase(createBenchStats());
    for (let i = 0; i < WARMUP; i++) await httpCase(createBenchStats());
    const base = createBenchStats();
    const top = createBenchStats();
    const mod = createBenchStats();
    const eng = createBenchStats();
    const http = createBenchStats();
    const perRound = Math.ceil(N / ROUNDS);
    const rounds: string[] = [];
    for (let r = 0, done = 0; done < N; r++, done += perRound) {
      const n = Math.min(perRound, N - done);
      const [b, c, m, e, h] = [createBenchStats(), createBenchStats(), createBenchStats(), createBenchStats(), createBenchStats()];
      await baseline(source, n, both(base, b));
      await ceiling(def, n, both(top, c));
      for (let i = 0; i < n; i++) await moduleCase(both(mod, m));
      for (let i = 0; i < n; i++) await systemCase(both(eng, e));
      for (let i = 0; i < n; i++) await httpCase(both(http, h));
      const ratio = (x: Stats) => `${(x.summary().perSecond / b.summary().perSecond).toFixed(2)}×`;
      rounds.push([c, m, e, h].map(ratio).join('/'));
    }

    const row = (name: string, st: Stats) => {
      const r = st.summary();
      return `${name.padEnd(9)} ${r.perSecond.toFixed(1).padStart(7)} inst/s   start p50 ${r.start.p50.toFixed(2)} p95 ${r.start.p95.toFixed(2)} ms   complete p50 ${r.complete.p50.toFixed(2)} p95 ${r.complete.p95.toFixed(2)} ms${r.inbox ? `   inbox p50 ${r.inbox.p50.toFixed(2)} p95 ${r.inbox.p95.toFixed(2)} ms` : ''}`;
    };
    console.log(row('baseline', base));
    console.log(row('ceiling', top));
    console.log(row('module', mod));
    console.log(row('engine', eng));
    console.log(row('http', http));
    const b = base.summary().perSecond;
    const ratio = (x: Stats) => `${(x.summary().perSecond / b).toFixed(2)}×`;
    console.log(`ratio to baseline: ceiling ${ratio(top)}, module ${ratio(mod)}, engine ${ratio(eng)}, http ${ratio(http)}`);
    console.log(`rounds (ceiling/module/engine/http): ${rounds.join('  ')}`);
    console.log(`peak RSS ${Math.round(peakRss() / 1e6)} MB`);
  } finally {
    await sys.close();
  }
}
