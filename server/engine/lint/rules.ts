// Dangan's own bpmnlint rules: what a diagram may contain so that it can never run code on the
// server and can never spin. Pure functions over moddle elements, no Node APIs: the modeler in
// the browser runs the very same rules for live checking (issue: process administration).
import { evaluate, parseExpression } from '@bpmn-io/feelin';

/** What the rules need to know about the installation. */
export interface DanganLintContext {
  /** Names of the registered domain services (`${environment.services.NAME}`). */
  services: string[];
  /** Steps (element ids) a domain delivers messages to: receive tasks and message catch events. */
  messages: string[];
  /** Role codes a user task or a starter may name. */
  roles: string[];
  /** Known form keys (processes/forms/*.form.json). */
  forms: string[];
  /** Known decision table ids (processes/decisions/*.dmn). */
  decisions: string[];
  timerMinCycleSeconds: number;
  timerMaxRepetitions: number;
  /**
   * Ids of the enabled users holding a business role: the only users a literal camunda:assignee
   * may name. Looked up on the server (the browser gets it with the rest of the context). Unset:
   * no literal assignee can be confirmed, so every one is refused (the check fails closed).
   */
  assignees?: number[];
}

type Node = any;
interface Reporter {
  report(id: string, message: string, path?: unknown): void;
}
type Rule = { check(node: Node, reporter: Reporter): void; meta?: unknown };
type RuleFactory = (config?: any) => Rule;

const is = (node: Node, type: string): boolean => typeof node?.$instanceOf === 'function' && node.$instanceOf(type);
const idOf = (node: Node): string => node.id ?? node.$parent?.id ?? node.$parent?.$parent?.id ?? 'definitions';

const SERVICE_EXPR = /^\$\{environment\.services\.([A-Za-z_][A-Za-z0-9_]*)\}$/;
const FEEL = (s: string) => s.trim().startsWith('=');

function feelSyntaxError(expr: string): string | null {
  try {
    const tree = parseExpression(expr.trim().slice(1), {}, undefined);
    let bad: string | null = null;
    tree.iterate({
      enter(n: { type: { isError: boolean }; from: number }) {
        if (n.type.isError && !bad) bad = `FEEL syntax error at ${n.from}`;
      },
    });
    return bad;
  } catch (e) {
    return (e as Error).message;
  }
}

/** FEEL functions whose value changes with the day: an expression calling them is no constant. */
const CLOCK_FUNCTIONS = new Set(['now', 'today']);

/**
 * The value of a FEEL expression (`=…`) that reads no variable, no `params` and no clock — the same
 * at deploy as in every case (`="approval"`, `="P" + string(3) + "D"`) — so that it is checked
 * like the literal it stands for. `{ ok: false }` when it does not parse or gives a warning (its
 * value would be null at run time too); null when it is no constant (judged when it resolves).
 * FEEL is data, not code: evaluating it here runs nothing of the diagram's.
 */
export function feelConstant(expr: string): { ok: true; value: unknown } | { ok: false } | null {
  const text = expr.trim().replace(/^=/, '');
  let constant = true;
  let broken = false;
  try {
    parseExpression(text, {}, undefined).iterate({
      enter(ref: any) {
        if (ref.type.isError) broken = true;
        if (ref.type.name !== 'VariableName') return undefined;
        const parent = ref.node.parent;
        const isCallee = parent?.type.name === 'FunctionInvocation' && parent.firstChild?.from === ref.node.from;
        if (!isCallee || CLOCK_FUNCTIONS.has(text.slice(ref.from, ref.to).trim())) constant = false;
        return false;
      },
    });
  } catch {
    return { ok: false };
  }
  if (broken) return { ok: false };
  if (!constant) return null;
  try {
    const r = evaluate(text, {}) as { value: unknown; warnings?: unknown[] };
    return r.warnings?.length ? { ok: false } : { ok: true, value: r.value };
  } catch {
    return { ok: false };
  }
}

/** A constant's value as the run time reads it as text (run.ts): a FEEL date as its ISO text. */
export function constantText(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return String(value ?? '').trim();
}

/**
 * The form a start event or user task names: its literal key, or the text of a constant FEEL key
 * (`="approval"`); null for a key computed from variables (refused by known-form-keys) or none.
 */
export function formKeyValue(raw: unknown): string | null {
  const key = typeof raw === 'string' ? raw.trim() : '';
  if (!key) return null;
  if (!FEEL(key)) return key;
  const c = feelConstant(key);
  return c?.ok && typeof c.value === 'string' && c.value.trim() ? c.value.trim() : null;
}

/**
 * A comparison whose right side is itself a comparison (a unary test): `decision == "approve"`, the
 * Java / JavaScript habit, or `decision = = "approve"`. feelin parses it without an error node as
 * `decision` compared with the test `= "approve"` and evaluates it to null, never true or false.
 * Returns the expression as it was probably meant (`decision = "approve"`) when both operators
 * are `=`, else '' (the operator is unclear); null when there is no such comparison.
 */
export function doubledComparison(expr: string): string | null {
  const text = expr.trim().replace(/^=/, '');
  let tree;
  try {
    tree = parseExpression(text, {}, undefined);
  } catch {
    return null;
  }
  type Span = { from: number; to: number };
  const found: { outer?: Span; inner?: Span } = {};
  tree.iterate({
    enter(ref: any) {
      if (found.outer || ref.type.name !== 'Comparison') return undefined;
      const kids: any[] = [];
      for (let c = ref.node.firstChild; c; c = c.nextSibling) kids.push(c);
      const op = kids.find((k) => k.type.name === 'CompareOp');
      const test = kids.find((k) => k.type.name === 'SimplePositiveUnaryTest');
      if (op && test && test.from >= op.to) {
        // `===` nests one unary test in another: the innermost operator is the last one written.
        let inner = test.firstChild;
        for (let t = test; t?.type.name === 'SimplePositiveUnaryTest'; t = t.firstChild?.nextSibling) inner = t.firstChild;
        found.outer = op;
        found.inner = inner;
      }
      return undefined;
    },
  });
  const { outer, inner } = found;
  if (!outer || !inner) return null;
  const ops = text.slice(outer.from, inner.to).replace(/\s+/g, '');
  if (!/^=+$/.test(ops)) return '';
  return `=${text.slice(0, outer.from).trimEnd()} = ${text.slice(inner.to).trimStart()}`;
}

// -- 1. no code: script tasks, scripts in extensions, Java-style hooks --------------------------
const noScript: RuleFactory = () => ({
  check(node, reporter) {
    if (is(node, 'bpmn:ScriptTask')) reporter.report(node.id, '不允许脚本任务 / Script tasks are not allowed');
    if (node.$type === 'camunda:Script') reporter.report(idOf(node), '不允许脚本 / Scripts are not allowed');
    for (const attr of ['class', 'delegateExpression', 'expression']) {
      if (typeof node[attr] === 'string' && node[attr] && (node.$type?.startsWith('camunda:') || is(node, 'bpmn:Task'))) {
        reporter.report(idOf(node), `不支持 camunda:${attr} / camunda:${attr} is not supported: use a registered service`);
      }
    }
    if ((is(node, 'bpmn:ServiceTask') || is(node, 'bpmn:SendTask') || is(node, 'bpmn:BusinessRuleTask')) && node.type) {
      reporter.report(node.id, `不支持 camunda:type / camunda:type="${node.type}" is not supported`);
    }
    if (node.$type === 'camunda:ExecutionListener' || node.$type === 'camunda:TaskListener') {
      reporter.report(idOf(node), '不支持监听器 / Execution and task listeners are not supported');
    }
  },
});

// -- 2. no language= on expressions (they would go to the script engine) -------------------------
const noScriptCondition: RuleFactory = () => ({
  check(node, reporter) {
    if (is(node, 'bpmn:FormalExpression') && node.language) {
      reporter.report(idOf(node.$parent), `不允许脚本条件 / language="${node.language}" is not allowed: write a FEEL expression starting with =`);
    }
  },
});

// -- 3. expressions: FEEL (=) or a registered service, nothing else -------------------------------
function* stringsOf(node: Node): Generator<[string, string]> {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('$') || key === 'id') continue;
    if (typeof value === 'string') yield [key, value];
  }
  for (const [key, value] of Object.entries(node.$attrs ?? {})) {
    if (typeof value === 'string' && !key.startsWith('xmlns')) yield [key, value];
  }
}

const allowedExpressions: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    const services = new Set(config?.services ?? []);
    for (const [key, value] of stringsOf(node)) {
      if (value.includes('${')) {
        const m = SERVICE_EXPR.exec(value.trim());
        const isImpl = key === 'implementation';
        if (!m || !isImpl) {
          reporter.report(idOf(node), `不允许的表达式 / Expression "${value}" in ${key} is not allowed: use FEEL (=…) or \${environment.services.NAME}`);
        } else if (!services.has(m[1])) {
          reporter.report(idOf(node), `未注册的服务 / Unknown service "${m[1]}"; registered: ${[...services].join(', ')}`);
        }
      } else if (FEEL(value) && (key === 'body' || key.startsWith('camunda:') || ['assignee', 'candidateGroups', 'dueDate', 'formKey'].includes(key))) {
        const err = feelSyntaxError(value);
        if (err) reporter.report(idOf(node), `FEEL 表达式有误 / ${key}: ${err}`);
      }
    }
  },
});

// -- 4. service tasks name a registered service ----------------------------------------------
const serviceImplementation: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!(is(node, 'bpmn:ServiceTask') || is(node, 'bpmn:SendTask') || is(node, 'bpmn:BusinessRuleTask'))) return;
    if (!node.implementation) {
      reporter.report(node.id, '服务任务须指定已注册的服务 / A service task needs implementation="${environment.services.NAME}"');
      return;
    }
    const m = SERVICE_EXPR.exec(String(node.implementation).trim());
    if (m && !(config?.services ?? []).includes(m[1])) {
      reporter.report(node.id, `未注册的服务 / Unknown service "${m[1]}"`);
    }
  },
});

// -- 5. every user task has an assignment rule naming one known role ------------------------------
/**
 * What is wrong with a literal assignee, or null: it must be the id of an enabled user who holds a
 * business role — a 三员, the process administrator, a disabled account or nobody would leave
 * every case stuck at the step (run.ts refuses them when a case reaches it).
 */
export function assigneeProblem(value: string, assignees: readonly number[] | undefined): string | null {
  if (!/^[1-9]\d{0,9}$/.test(value)) {
    return `办理人“${value}”不是用户编号：请填写一名业务人员的编号，或以 = 开头的 FEEL 表达式 / camunda:assignee "${value}" is not a user id: give the id of a business user or a FEEL expression (=…)`;
  }
  if (!assignees?.includes(Number(value))) {
    return `办理人编号 ${value} 不是可办理业务的在用账号（须为未停用且持有业务角色的用户） / camunda:assignee ${value} is not an enabled user holding a business role, so nobody could ever work the step`;
  }
  return null;
}

const userTaskAssignment: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    const roles = new Set(config?.roles ?? []);
    const assignee = node.assignee as string | undefined;
    const groups = node.candidateGroups as string | undefined;
    if (!assignee && !groups) {
      reporter.report(node.id, '用户任务须指定处理人或候选角色 / A user task needs camunda:assignee or camunda:candidateGroups');
      return;
    }
    if (groups && !FEEL(groups)) {
      const list = groups.split(',').map((g) => g.trim()).filter(Boolean);
      if (list.length !== 1) reporter.report(node.id, '候选角色只能有一个 / camunda:candidateGroups names exactly one role');
      for (const g of list) if (!roles.has(g)) reporter.report(node.id, roleProblem(g));
    }
    // A FEEL assignee that reads variables is judged when the case reaches the step (run.ts); a
    // literal or a FEEL constant (="5") now.
    if (assignee) {
      const c = FEEL(assignee) ? feelConstant(assignee) : { ok: true as const, value: assignee };
      if (c?.ok === false) {
        reporter.report(node.id, `办理人“${assignee}”的 FEEL 表达式得不出值 / camunda:assignee "${assignee}" gives no value`);
      } else if (c && c.value !== null) {
        const problem = assigneeProblem(constantText(c.value), config?.assignees);
        if (problem) reporter.report(node.id, problem);
      }
    }
  },
});

// -- 5b. a form key names a known form. One computed from variables is refused: nothing shipped
// uses one, and a key resolving at run time to no form left the task without a form that could
// never be completed (400 未知表单) and no incident. A FEEL constant (="approval") is its text. ----
const knownFormKeys: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!(is(node, 'bpmn:UserTask') || is(node, 'bpmn:StartEvent'))) return;
    const raw = typeof node.formKey === 'string' ? node.formKey.trim() : '';
    if (!raw) return;
    const key = formKeyValue(raw);
    if (key === null) {
      reporter.report(
        node.id,
        `表单“${raw}”须为固定的表单标识（如 approval 或 ="approval"）；由变量计算的表单在运行时可能找不到，任务将无法办理 / camunda:formKey "${raw}" must name one form (approval, or ="approval"): a key computed from variables may name no form when a case runs, and the task could never be completed`,
      );
    } else if (config?.forms && !config.forms.includes(key)) {
      reporter.report(node.id, `未知表单 / Unknown form "${key}"`);
    }
  },
});

// -- 6. the process says who may start it --------------------------------------------------------
const processStarters: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:Process') || !node.isExecutable) return;
    const starters = String(node.candidateStarterGroups ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!starters.length) {
      reporter.report(node.id, '须指定可发起角色 / The process needs camunda:candidateStarterGroups');
    }
    for (const s of starters) if (!(config?.roles ?? []).includes(s)) reporter.report(node.id, roleProblem(s));
  },
});

// -- 7. timers bounded: cycles R<n>/<duration ≥ minimum>, n ≤ maximum ------------------------------
const ISO_DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;

export function durationSeconds(iso: string): number | null {
  const m = ISO_DURATION.exec(iso.trim());
  if (!m) return null;
  const n = (s?: string) => (s ? parseFloat(s) : 0);
  return (
    n(m[1]) * 365 * 86400 + n(m[2]) * 30 * 86400 + n(m[3]) * 7 * 86400 + n(m[4]) * 86400 +
    n(m[6]) * 3600 + n(m[7]) * 60 + n(m[8])
  );
}

/** Checks a literal timeCycle value; returns the problem or null. Also used at run time. */
export function cycleProblem(value: string, minSeconds: number, maxRepetitions: number): string | null {
  const m = /^R(\d*)\/(P[^/]+)$/.exec(value.trim());
  if (!m) return `周期须写作 R<次数>/<间隔> / timeCycle "${value}" must be R<n>/<duration>`;
  if (m[1] === '') return `周期须有次数上限 / timeCycle "${value}" repeats without bound`;
  if (Number(m[1]) > maxRepetitions) return `周期次数超过 ${maxRepetitions} / timeCycle "${value}" repeats more than ${maxRepetitions} times`;
  const secs = durationSeconds(m[2]);
  if (secs === null) return `无效的间隔 / invalid duration in "${value}"`;
  if (secs < minSeconds) return `周期间隔不得少于 ${minSeconds / 3600} 小时 / timeCycle "${value}" is shorter than ${minSeconds} s`;
  return null;
}

const timerBounds: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition')) return;
    const where = idOf(node.$parent);
    const kinds = ['timeCycle', 'timeDuration', 'timeDate'].filter((k) => node[k]);
    if (kinds.length !== 1) {
      reporter.report(where, '定时器须且只能有一种定义 / A timer needs exactly one of timeCycle, timeDuration, timeDate');
      return;
    }
    const value = String(node[kinds[0]].body ?? '').trim();
    if (!value) return reporter.report(where, '定时器值为空 / The timer has no value');
    if (FEEL(value)) return; // checked again when it resolves at run time
    if (kinds[0] === 'timeCycle') {
      const p = cycleProblem(value, config?.timerMinCycleSeconds ?? 3600, config?.timerMaxRepetitions ?? 1000);
      if (p) reporter.report(where, p);
    } else if (kinds[0] === 'timeDuration') {
      if (durationSeconds(value) === null) reporter.report(where, `无效的时长 / invalid timeDuration "${value}"`);
    } else if (Number.isNaN(Date.parse(value))) {
      reporter.report(where, `无效的日期 / invalid timeDate "${value}"`);
    }
  },
});

// -- 8. no cycle of the flow without a wait state -----------------------------------------------
const WAIT_TYPES = ['bpmn:UserTask', 'bpmn:ReceiveTask', 'bpmn:ManualTask', 'bpmn:IntermediateCatchEvent', 'bpmn:EventBasedGateway'];

function flowGraph(container: Node): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    if (!edges.has(a)) edges.set(a, []);
    edges.get(a)!.push(b);
  };
  for (const el of container.flowElements ?? []) {
    if (is(el, 'bpmn:SequenceFlow') && el.sourceRef && el.targetRef) add(el.sourceRef.id, el.targetRef.id);
    if (is(el, 'bpmn:BoundaryEvent') && el.attachedToRef) add(el.attachedToRef.id, el.id);
  }
  return edges;
}

/** Strongly connected components (Tarjan), iterative enough for diagram sizes. */
function sccs(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const nodes = new Set<string>([...edges.keys(), ...[...edges.values()].flat()]);
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(comp);
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

const noLoopWithoutWait: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!(is(node, 'bpmn:Process') || is(node, 'bpmn:SubProcess'))) return;
    const byId = new Map<string, Node>((node.flowElements ?? []).map((e: Node) => [e.id, e]));
    const minSeconds = config?.timerMinCycleSeconds ?? 3600;
    for (const comp of sccs(flowGraph(node))) {
      const members = comp.map((id) => byId.get(id)).filter(Boolean);
      if (members.some((el) => loopWait(el, minSeconds) === 'wait')) continue;
      const timers = members.filter((el) => loopWait(el, minSeconds) === 'short-timer');
      if (timers.length) {
        const ids = timers.map((el) => el.id).join(', ');
        reporter.report(
          timers[0].id,
          `循环中只有不足 ${minSeconds / 3600} 小时的定时器（${ids}），案件会不停地空转：请把定时器时长写作不少于 ${minSeconds / 3600} 小时的固定时长（如 PT1H、P1D），或在循环中加入用户任务 / ` +
            `The loop through ${comp.join(', ')} waits only at timers shorter than ${minSeconds} s or not known before the case runs (${ids}): the case would spin. Write a fixed duration of at least ${minSeconds} s (PT1H, P1D) or put a user task in the loop`,
        );
      } else {
        reporter.report(comp[0], `循环中没有等待环节 / The loop through ${comp.join(', ')} has no wait state`);
      }
    }
  },
});

/**
 * Whether an element of a loop makes the loop wait: a user or receive task, a message catch, an
 * event-based gateway ('wait'); a timer only when it certainly waits at least the minimum cycle —
 * a literal duration of at least that long, or a cycle (bounded to at least that interval, at
 * deploy and at run time). A shorter duration, a fixed date (past after its first firing) or a
 * duration FEEL computes only when the case runs is a 'short-timer': a one-second timer in a loop
 * wrote a history row every second for ever. Error and escalation boundaries fire at once: no wait.
 */
function loopWait(el: Node, minSeconds: number): 'wait' | 'short-timer' | 'none' {
  if (WAIT_TYPES.filter((t) => t !== 'bpmn:IntermediateCatchEvent').some((t) => is(el, t))) return 'wait';
  if (!is(el, 'bpmn:IntermediateCatchEvent') && !is(el, 'bpmn:BoundaryEvent')) return 'none';
  const defs: Node[] = el.eventDefinitions ?? [];
  if (defs.some((d) => !is(d, 'bpmn:TimerEventDefinition') && (is(d, 'bpmn:MessageEventDefinition') || is(d, 'bpmn:SignalEventDefinition') || is(d, 'bpmn:ConditionalEventDefinition')))) return 'wait';
  const timer = defs.find((d) => is(d, 'bpmn:TimerEventDefinition'));
  if (!timer) return 'none';
  if (timer.timeCycle) return 'wait';
  const duration = String(timer.timeDuration?.body ?? '').trim();
  const secs = duration && !FEEL(duration) ? durationSeconds(duration) : null;
  return secs !== null && secs >= minSeconds ? 'wait' : 'short-timer';
}

// -- 9. bpmn-engine issue #200: a parallel join after an XOR join does not wait -----------------
const noParallelJoinAfterXorJoin: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:ParallelGateway') || (node.incoming ?? []).length < 2) return;
    const seen = new Set<string>();
    const walk = (flow: Node): boolean => {
      const src = flow.sourceRef;
      if (!src || seen.has(src.id)) return false;
      seen.add(src.id);
      if (is(src, 'bpmn:ParallelGateway') && (src.outgoing ?? []).length > 1) return false;
      if (is(src, 'bpmn:ExclusiveGateway') && (src.incoming ?? []).length > 1) return true;
      return (src.incoming ?? []).some(walk);
    };
    if ((node.incoming ?? []).some(walk)) {
      reporter.report(node.id, '并行汇聚前不得有排他汇聚 / A parallel join after an exclusive join does not wait in bpmn-engine (#200)');
    }
  },
});

// -- 10. business rule tasks evaluate a known decision table into a named variable ---------------
const businessRuleTask: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:BusinessRuleTask')) return;
    if (!node.decisionRef) {
      reporter.report(node.id, '规则任务须指定决策表 / A business rule task needs camunda:decisionRef');
    } else if (!(config?.decisions ?? []).includes(node.decisionRef)) {
      reporter.report(node.id, `未知决策表 / Unknown decision table "${node.decisionRef}"`);
    }
    if (!node.resultVariable || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(node.resultVariable)) {
      reporter.report(node.id, '规则任务须指定结果变量 / A business rule task needs camunda:resultVariable');
    }
    if (String(node.implementation ?? '').trim() !== '${environment.services.decide}') {
      reporter.report(node.id, '规则任务的实现须为 ${environment.services.decide} / implementation must be ${environment.services.decide}');
    }
  },
});

// -- 11. no sub-processes or call activities: the runtime keeps task rows and timers for the
// top level of a process only, so a task inside one would never reach an inbox ---------------
const noSubProcess: RuleFactory = () => ({
  check(node, reporter) {
    if (is(node, 'bpmn:SubProcess') || is(node, 'bpmn:CallActivity') || is(node, 'bpmn:Transaction')) {
      reporter.report(node.id, '暂不支持子流程和调用活动 / Sub-processes and call activities are not supported: draw the steps in the main process');
    }
  },
});

// -- 12. no loop or multi-instance markers: a task row stands for one execution of a step, and the
// engine refuses a marker without cardinality or collection only when the case reaches it ---------
const noLoopMarkers: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:Activity') || !node.loopCharacteristics) return;
    const multi = is(node.loopCharacteristics, 'bpmn:MultiInstanceLoopCharacteristics');
    reporter.report(
      node.id,
      multi
        ? '暂不支持多实例（会签）环节 / Multi-instance activities are not supported: draw one task per approver, or a parallel gateway'
        : '暂不支持循环环节 / Loop activities are not supported: draw the way back with a gateway and a sequence flow',
    );
  },
});

// -- 13. every wait can end: a receive task or a message event waits for a message that only a
// domain delivers (ServiceRegistry.receives); nothing completes a manual task, sends a signal or
// re-evaluates a conditional event, so a case reaching one would wait for ever ------------------
const deliverableWaits: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (is(node, 'bpmn:ManualTask')) {
      reporter.report(node.id, '手工任务在本系统中无人能办结，案件会停在这里：请改用用户任务并指定办理角色 / A manual task can never be completed here: use a user task with a candidate role');
      return;
    }
    const defs: Node[] = is(node, 'bpmn:CatchEvent') ? (node.eventDefinitions ?? []) : [];
    if (defs.some((d) => is(d, 'bpmn:SignalEventDefinition') || is(d, 'bpmn:ConditionalEventDefinition'))) {
      reporter.report(node.id, '本系统不发送信号，也不重新计算条件事件：请改用消息、定时器或用户任务 / Dangan sends no signals and re-evaluates no conditional events: use a message, a timer or a user task');
    }
    const receives = is(node, 'bpmn:ReceiveTask') || defs.some((d) => is(d, 'bpmn:MessageEventDefinition'));
    const steps: string[] = config.messages ?? [];
    if (receives && !steps.includes(node.id)) {
      const known = steps.join(', ') || '—';
      reporter.report(
        node.id,
        `没有业务功能向此环节送达消息，案件会一直等待；可接收消息的环节编号：${known} / Nothing in Dangan delivers a message to ${node.id}: the case would wait for ever. Steps that receive messages: ${known}`,
      );
    }
  },
});

// -- 14. a step's role is a business role: process_admin and the three administrators (三员) never
// take business steps (server/http/policy.ts gives them no task.work), so a task for them would
// wait for ever, seen by nobody who may work it ------------------------------------------------
const ADMIN_ROLE_NAMES: Record<string, string> = { process_admin: '流程管理员', sys_admin: '系统管理员', sec_admin: '安全保密管理员', auditor: '安全审计员' };

/** The refusal of a role a step or a starter may not name (bilingual). */
export function roleProblem(role: string): string {
  const admin = ADMIN_ROLE_NAMES[role];
  return admin
    ? `${admin}（${role}）不办理业务，不能作为办理或发起角色：请选择业务角色 / ${role} takes no business steps and cannot work or start a case: choose a business role`
    : `未知角色 / Unknown role "${role}"`;
}

const businessRoles: RuleFactory = (config: DanganLintContext) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    const groups = node.candidateGroups as string | undefined;
    if (!groups || !FEEL(groups)) return; // literal roles: user-task-assignment
    const c = feelConstant(groups);
    if (c === null) return; // reads variables: resolved when the case runs, and checked then (run.ts)
    if (!c.ok || typeof c.value !== 'string') {
      reporter.report(node.id, `候选角色“${groups}”得不出角色代码 / camunda:candidateGroups "${groups}" gives no role code`);
      return;
    }
    const list = c.value.split(',').map((g) => g.trim()).filter(Boolean);
    if (list.length !== 1) reporter.report(node.id, '候选角色只能有一个 / camunda:candidateGroups names exactly one role');
    for (const g of list) if (!(config?.roles ?? []).includes(g)) reporter.report(node.id, roleProblem(g));
  },
});

// -- 15. a task's due date: a positive ISO 8601 duration of at most ten years, or a date in the
// future (at most ten years ahead); a FEEL constant (="P3D") like the literal it gives, FEEL that
// reads variables when it resolves (run.ts: an incident when it gives no date) -------------------
export const MAX_DUE_SECONDS = 10 * 365 * 86400;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * What is wrong with a due date's value, or null. `now` in ms; `allowPast`: at run time a date FEEL
 * computed may already have passed (the task is overdue at once); a date written into the diagram
 * never may.
 */
export function dueDateProblem(value: string, now: number, allowPast = false): string | null {
  const v = value.trim();
  const tenYears = MAX_DUE_SECONDS * 1000;
  if (/^[+-]?P/.test(v)) {
    const secs = durationSeconds(v);
    if (secs === null) return `办理期限“${v}”不是有效的时长，请写作 ISO 8601 时长，如 P3D（3 天）、PT4H（4 小时） / due date "${v}" is not an ISO 8601 duration such as P3D or PT4H`;
    if (secs <= 0) return `办理期限“${v}”须大于零 / due date "${v}" must be longer than zero`;
    if (secs > MAX_DUE_SECONDS) return `办理期限“${v}”超过 10 年 / due date "${v}" is longer than 10 years`;
    return null;
  }
  const t = ISO_DATE.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) {
    return `办理期限“${v}”既不是时长也不是日期：请写作 ISO 8601 时长（如 P3D）、日期（如 2027-06-30）或以 = 开头的 FEEL 表达式 / due date "${v}" is neither an ISO 8601 duration (P3D), a date (2027-06-30) nor a FEEL expression (=…)`;
  }
  if (!allowPast && t <= now) return `办理期限“${v}”已经过去 / due date "${v}" is in the past`;
  if (t > now + tenYears) return `办理期限“${v}”在 10 年以后 / due date "${v}" is more than 10 years ahead`;
  return null;
}

const dueDates: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    const due = typeof node.dueDate === 'string' ? node.dueDate.trim() : '';
    if (!due) return;
    if (!FEEL(due)) {
      const problem = dueDateProblem(due, Date.now());
      if (problem) reporter.report(node.id, problem);
      return;
    }
    const c = feelConstant(due);
    if (c === null || (c.ok && c.value === null)) return; // resolved when the case runs; =null: no deadline
    const problem = c.ok ? dueDateProblem(constantText(c.value), Date.now()) : `办理期限“${due}”的 FEEL 表达式得不出值 / due date "${due}" gives no value`;
    if (problem) reporter.report(node.id, problem);
  },
});

// -- 16. a cycle FEEL computes names its repetitions literally: the run time refuses any value
// that is not R<n>/<interval>, so =someVariable would fail only when a case reached the timer ----
const feelTimeCycle: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition') || !node.timeCycle) return;
    const value = String(node.timeCycle.body ?? '').trim();
    if (!FEEL(value)) return;
    if (!/^=\s*"R\d+\/P/.test(value)) {
      reporter.report(
        idOf(node.$parent),
        `以 FEEL 计算的周期须以字面的 "R<次数>/P…" 开头，如 ="R12/P" + string(params.days) + "D"，次数与间隔在运行时仍受检查 / A timeCycle computed by FEEL must begin with the literal "R<n>/P…", e.g. ="R12/P" + string(params.days) + "D"; "${value}" could be anything when a case reaches it`,
      );
    }
  },
});

// -- 17. a sequence flow's condition is FEEL (=…) that can give true or false. The expression
// resolver hands text without = or ${…} back as it stands (timer values, message names need
// that), and bpmn-elements takes any non-empty text as true: `decision = "approve"` without its
// = (or `false`) would take the flow every time. ${…} is refused by allowed-expressions, a
// language= by no-script-condition; the run time refuses a non-boolean result (conditions.ts) ---
function flowLabel(flow: Node): string {
  const name = typeof flow?.name === 'string' && flow.name.trim() ? flow.name.trim() : null;
  return name ? `“${name}”（${flow.id}）` : `“${flow?.id}”`;
}
function flowLabelEn(flow: Node): string {
  const name = typeof flow?.name === 'string' && flow.name.trim() ? flow.name.trim() : null;
  return name ? `"${name}" (${flow.id})` : `"${flow?.id}"`;
}

const feelConditions: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:SequenceFlow') || !node.conditionExpression) return;
    const cond = node.conditionExpression;
    if (cond.language) return; // no-script-condition
    const body = typeof cond.body === 'string' ? cond.body.trim() : '';
    if (body.includes('${')) return; // allowed-expressions
    const zh = flowLabel(node);
    const en = flowLabelEn(node);
    let meant: string | null;
    if (!body) {
      reporter.report(node.id, `顺序流${zh}的条件为空：请写以 = 开头的 FEEL 条件，或删去条件 / The condition of flow ${en} is empty: write a FEEL condition starting with =, or remove it`);
    } else if (!FEEL(body)) {
      reporter.report(
        node.id,
        `顺序流${zh}的条件“${body}”不是 FEEL 表达式：条件须以 = 开头并得出“是”或“否”（如 =decision = "approve"），否则会被当作一段文字 / The condition "${body}" of flow ${en} is not FEEL: a condition must start with = and give true or false (e.g. =decision = "approve"); without the = it is plain text`,
      );
    } else if ((meant = doubledComparison(body)) !== null) {
      const zhFix = meant ? `请写作 ${meant}` : '比较只用一个运算符（=、!=、<、<=、>、>=），如 =decision = "approve"';
      const enFix = meant ? `write ${meant}` : 'use one comparison operator (=, !=, <, <=, >, >=), e.g. =decision = "approve"';
      reporter.report(
        node.id,
        `顺序流${zh}的条件“${body}”把比较运算符写了两次（FEEL 的相等比较是一个 =，不是 ==），它永远得不出“是”或“否”，每个案件都会停在这个网关：${zhFix} / ` +
          `The condition "${body}" of flow ${en} compares with a comparison (FEEL's equality is one =, not ==): it never gives true or false and every case would stop at the gateway — ${enFix}`,
      );
    } else if (/^=\s*("[^"\\]*"|-?\d+(\.\d+)?|null)?\s*$/.test(body)) {
      reporter.report(
        node.id,
        `顺序流${zh}的条件“${body}”得不出“是”或“否”：条件须为比较或布尔值（如 =decision = "approve"） / The condition "${body}" of flow ${en} does not give true or false: write a comparison or a boolean (e.g. =decision = "approve")`,
      );
    }
  },
});

export const danganRules: Record<string, RuleFactory> = {
  'feel-conditions': feelConditions,
  'business-roles': businessRoles,
  'due-date': dueDates,
  'feel-time-cycle': feelTimeCycle,
  'deliverable-waits': deliverableWaits,
  'no-subprocess': noSubProcess,
  'no-loop-markers': noLoopMarkers,
  'business-rule-task': businessRuleTask,
  'no-script': noScript,
  'no-script-condition': noScriptCondition,
  'allowed-expressions': allowedExpressions,
  'service-implementation': serviceImplementation,
  'user-task-assignment': userTaskAssignment,
  'known-form-keys': knownFormKeys,
  'process-starters': processStarters,
  'timer-bounds': timerBounds,
  'no-loop-without-wait': noLoopWithoutWait,
  'no-parallel-join-after-xor-join': noParallelJoinAfterXorJoin,
};

/** The lint configuration: bpmnlint's recommended rules plus ours, all errors. */
export function lintConfig(ctx: DanganLintContext) {
  const rules: Record<string, unknown> = {
    // A Chinese office labels every step; unlabeled gateways are fine.
    'bpmnlint/label-required': 'warn',
  };
  for (const name of Object.keys(danganRules)) rules[`dangan/${name}`] = ['error', ctx];
  return { extends: 'bpmnlint:recommended', rules };
}
