// The deploy-time check that what a diagram's FEEL reads is supplied before it is read. A gateway
// condition (`=decision = "approve"`), a due date, an assignee or a timer that names a variable
// nothing on the way can set fails every case that gets there ("Variable 'decision' not found", a
// stuck case), and a literal a radio never offers (`"yes"` after the options became approve /
// reject) silently sends every case down the default flow. Both used to deploy.
//
// Who supplies a variable: the engine (initiator …), the start form's fields (a start without a
// form is one a domain starts with its own variables: anything), a user task's form
// fields (when it completes), a business rule task's result variable, a registered service's
// declared outputs (a service that declares none may supply anything), and a step a domain
// delivers messages to (its payload may carry anything). A variable read at a point is an error
// when SOME path from a start event to that point passes no supplier: the case that takes it
// fails there. Only plain FEEL is checked — names, paths, comparisons, arithmetic, function calls;
// an expression with its own names (for, some/every, filters, contexts, functions) is skipped.
// Pure, no Node APIs, like the rest of the lint.
import { parseExpression } from '@bpmn-io/feelin';
import type { FormComponent, FormSchema } from '../../../shared/forms.ts';
import type { Finding } from './linter.ts';
import { executableProcess } from '../moddle.ts';
import { formKeyValue } from './rules.ts';

export interface VariableContext {
  /** Variables each service may return, by service name; a service not listed may supply anything. */
  serviceOutputs: Record<string, readonly string[]>;
  /** Variables the engine sets on every case (initiator, initiatorOrgId, orgScopes). */
  engineVariables: readonly string[];
}

type El = any;
const SERVICE_EXPR = /^\$\{\s*environment\.services\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;
/** FEEL's own names a plain expression may call; `params` is the installation's settings, never a variable. */
const NOT_VARIABLES = new Set(['params', 'null', 'true', 'false']);
/** Node types of a plain expression: anything else (for, some, filters, contexts, function definitions) is skipped. */
const PLAIN = new Set([
  'Expression', 'Comparison', 'CompareOp', 'VariableName', 'Identifier', 'Name', 'StringLiteral', 'NumericLiteral', 'BooleanLiteral',
  'null', 'PathExpression', 'Conjunction', 'Disjunction', 'and', 'or', 'ArithmeticExpression', 'ArithOp', 'FunctionInvocation',
  'PositionalParameters', '(', ')', 'ParenthesizedExpression', 'in', 'PositiveUnaryTest', 'PositiveUnaryTests', 'List', '[', ']',
  ',', 'not', 'Interval', 'IfExpression', 'if', 'then', 'else', 'instance', 'of', 'InstanceOfExpression', 'Type', 'SimpleType',
  'between', 'BetweenExpression', '.',
]);

export interface FeelReads {
  /** The first name of each path the expression reads (`route` of `route.needsLeader`). */
  variables: string[];
  /** `name = "literal"`, `"literal" = name`, `name != "literal"`, `name in ["a", "b"]`. */
  literals: Array<{ variable: string; value: string }>;
  /** Variables read through a path (`route` of `route.needsLeader`): their shape is not known here. */
  paths: string[];
  /** Whether it reads the installation's `params`. */
  params: boolean;
}

/** What a plain FEEL expression (without the leading =) reads; null when it is not plain or does not parse. */
export function feelReads(expression: string): FeelReads | null {
  let tree;
  try {
    tree = parseExpression(expression, {}, undefined);
  } catch {
    return null;
  }
  const variables = new Set<string>();
  const paths = new Set<string>();
  let params = false;
  const literals: FeelReads['literals'] = [];
  const text = (n: { from: number; to: number }) => expression.slice(n.from, n.to);
  const unquote = (s: string) => {
    try {
      return JSON.parse(s) as string;
    } catch {
      return null;
    }
  };
  let plain = true;
  tree.iterate({
    enter(ref: any) {
      if (!plain) return false;
      if (ref.type.isError || !PLAIN.has(ref.type.name)) {
        plain = false;
        return false;
      }
      const node = ref.node;
      if (ref.type.name === 'VariableName') {
        const parent = node.parent;
        // `x.y`: only x is a variable; `f(…)`: f is a function.
        if (parent?.type.name === 'PathExpression' && parent.firstChild && parent.firstChild.from !== node.from) return false;
        if (parent?.type.name === 'FunctionInvocation' && parent.firstChild?.from === node.from) return false;
        const name = text(node);
        if (name === 'params') params = true;
        if (!NOT_VARIABLES.has(name)) variables.add(name);
        if (parent?.type.name === 'PathExpression' && !NOT_VARIABLES.has(name)) paths.add(name);
        return false;
      }
      if (ref.type.name === 'Comparison') {
        const kids: any[] = [];
        for (let c = node.firstChild; c; c = c.nextSibling) kids.push(c);
        const op = kids.find((k) => k.type.name === 'CompareOp' || k.type.name === 'in');
        const isVar = (k: any) => k?.type.name === 'VariableName';
        const isStr = (k: any) => k?.type.name === 'StringLiteral';
        if (op && kids.length === 3 && ['=', '!='].includes(text(op))) {
          const [a, , b] = kids;
          const [v, l] = isVar(a) && isStr(b) ? [a, b] : isVar(b) && isStr(a) ? [b, a] : [null, null];
          const value = l ? unquote(text(l)) : null;
          if (v && value !== null) literals.push({ variable: text(v), value });
        }
        if (op?.type.name === 'in' && kids.length === 3 && isVar(kids[0])) {
          const list = kids[2].type.name === 'PositiveUnaryTest' ? kids[2].firstChild : kids[2];
          if (list?.type.name === 'List') {
            for (let c = list.firstChild; c; c = c.nextSibling) {
              if (isStr(c)) {
                const value = unquote(text(c));
                if (value !== null) literals.push({ variable: text(kids[0]), value });
              }
            }
          }
        }
      }
      return undefined;
    },
  });
  return plain ? { variables: [...variables], literals, paths: [...paths], params } : null;
}

/** The top-level variables a form sets, and for a radio or select with listed options, the values it offers. */
export function formSupplies(schema: FormSchema): { keys: Set<string>; choices: Map<string, { label: string; values: string[] }> } {
  const keys = new Set<string>();
  const choices = new Map<string, { label: string; values: string[] }>();
  const walk = (components: FormComponent[] | undefined) => {
    for (const c of components ?? []) {
      if (!c || typeof c !== 'object') continue;
      if (c.type === 'group' || c.type === 'dynamiclist') {
        if (typeof c.path === 'string' && c.path) keys.add(c.path.split('.')[0]);
        else walk(c.components);
        continue;
      }
      if (typeof c.key !== 'string' || !c.key) continue;
      const top = c.key.split('.')[0];
      keys.add(top);
      if ((c.type === 'radio' || c.type === 'select') && Array.isArray(c.values) && top === c.key) {
        choices.set(c.key, { label: c.label ?? c.key, values: c.values.map((v) => String(v?.value)) });
      }
    }
  };
  walk(schema?.components);
  return { keys, choices };
}

type Supply = { kind: 'all' } | { kind: 'some'; keys: Set<string>; form?: string; choices?: Map<string, { label: string; values: string[] }> };

interface Read {
  /** Where the finding is shown: the flow, the task, the timer event. */
  elementId: string;
  /** The element the expression is evaluated at: leaving it (conditions) or entering it (others). */
  at: El;
  /** A condition is read after `at` completes, so what `at` itself supplies counts. */
  after: boolean;
  what: { zh: string; en: string };
  expression: string;
}

const feelOf = (s: unknown): string | null => (typeof s === 'string' && s.trim().startsWith('=') ? s.trim().slice(1) : null);

/**
 * Every variable a plain FEEL expression of the diagram reads that some path to it does not
 * supply, and every literal compared against a radio or select that never offers it.
 */
export function checkVariables(root: El, forms: Record<string, FormSchema>, vctx: VariableContext): Finding[] {
  const proc = executableProcess(root);
  if (!proc) return [];
  const elements: El[] = proc.flowElements ?? [];
  const nodes = elements.filter((e) => e.$type !== 'bpmn:SequenceFlow');
  const flows = elements.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const outgoing = new Map<El, El[]>();
  for (const f of flows) if (f.sourceRef && f.targetRef) outgoing.set(f.sourceRef, [...(outgoing.get(f.sourceRef) ?? []), f.targetRef]);
  const boundaries = new Map<El, El[]>();
  for (const n of nodes) if (n.$type === 'bpmn:BoundaryEvent' && n.attachedToRef) boundaries.set(n.attachedToRef, [...(boundaries.get(n.attachedToRef) ?? []), n]);
  const label = (n: El) => (n.name ? `${String(n.name).replace(/\s+/g, ' ')}（${n.id}）` : n.id);

  const supplies = new Map<El, Supply>();
  const formSupply = (key: unknown): Supply => {
    if (typeof key !== 'string' || !key.trim()) return { kind: 'some', keys: new Set() };
    const name = formKeyValue(key);
    const schema = name === null ? undefined : forms[name];
    if (!schema) return { kind: 'all' }; // refused by known-form-keys or known-forms
    const s = formSupplies(schema);
    return { kind: 'some', keys: s.keys, form: name!, choices: s.choices };
  };
  for (const n of nodes) {
    const defs: string[] = (n.eventDefinitions ?? []).map((d: El) => d.$type);
    if (n.$type === 'bpmn:StartEvent') {
      // Without a form nobody can pass variables at the start but a domain that starts the case
      // itself (engine.startWith, e.g. 转入), with whatever it knows: no false alarm for those.
      if (typeof n.formKey !== 'string' || !n.formKey.trim()) {
        supplies.set(n, { kind: 'all' });
        continue;
      }
      const f = formSupply(n.formKey);
      supplies.set(n, f.kind === 'all' ? f : { ...f, keys: new Set([...f.keys, ...vctx.engineVariables]) });
    } else if (n.$type === 'bpmn:UserTask') supplies.set(n, formSupply(n.formKey));
    else if (n.$type === 'bpmn:ReceiveTask' || defs.includes('bpmn:MessageEventDefinition')) supplies.set(n, { kind: 'all' });
    else if (n.$type === 'bpmn:BusinessRuleTask') supplies.set(n, { kind: 'some', keys: new Set(n.resultVariable ? [String(n.resultVariable)] : []) });
    else if (n.$type === 'bpmn:ServiceTask' || n.$type === 'bpmn:SendTask') {
      const m = SERVICE_EXPR.exec(String(n.implementation ?? '').trim());
      const declared = m ? vctx.serviceOutputs[m[1]] : undefined;
      supplies.set(n, declared ? { kind: 'some', keys: new Set(declared) } : { kind: 'all' });
    } else if (n.$type !== 'bpmn:Task' && n.$type !== 'bpmn:ManualTask' && !/Gateway$|Event$/.test(n.$type)) {
      supplies.set(n, { kind: 'all' }); // anything else the engine may grow: no false alarm
    }
  }
  const suppliesVar = (n: El, v: string) => {
    const s = supplies.get(n);
    return !!s && (s.kind === 'all' || s.keys.has(v));
  };

  // What is read, and where.
  const reads: Read[] = [];
  for (const f of flows) {
    const expr = feelOf(f.conditionExpression?.body);
    if (expr !== null && f.sourceRef) reads.push({ elementId: f.id, at: f.sourceRef, after: true, what: { zh: '条件', en: 'The condition' }, expression: expr });
  }
  for (const n of nodes) {
    for (const [attr, zh, en] of [['dueDate', '办理期限', 'The due date'], ['assignee', '办理人', 'The assignee'], ['candidateGroups', '候选角色', 'The candidate role']] as const) {
      const expr = feelOf(n[attr]);
      if (expr !== null) reads.push({ elementId: n.id, at: n, after: false, what: { zh, en }, expression: expr });
    }
    for (const d of n.eventDefinitions ?? []) {
      if (d.$type !== 'bpmn:TimerEventDefinition') continue;
      for (const key of ['timeDuration', 'timeDate', 'timeCycle']) {
        const expr = feelOf(d[key]?.body);
        // A boundary timer is armed when its step is entered.
        if (expr !== null) reads.push({ elementId: n.id, at: n.attachedToRef ?? n, after: false, what: { zh: '定时器', en: 'The timer' }, expression: expr });
      }
    }
  }

  /**
   * Walks from the start events without passing a supplier of `v` (a boundary event still fires
   * while its step waits, before the step supplies anything). Returns the elements reached, or
   * null when `target` is not among them.
   */
  const unsuppliedPath = (v: string, target: El): El[] | null => {
    const seen = new Set<El>();
    const queue: El[] = nodes.filter((n) => n.$type === 'bpmn:StartEvent' && !(n.eventDefinitions ?? []).length);
    for (const s of queue) seen.add(s);
    while (queue.length) {
      const n = queue.shift();
      if (n === target) return [...seen];
      const next = [...(boundaries.get(n) ?? [])];
      if (!suppliesVar(n, v)) next.push(...(outgoing.get(n) ?? []));
      for (const m of next) {
        if (!seen.has(m)) {
          seen.add(m);
          queue.push(m);
        }
      }
    }
    return null;
  };

  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const r of reads) {
    const got = feelReads(r.expression);
    if (!got) continue;
    for (const v of got.variables) {
      if (r.after && suppliesVar(r.at, v)) continue;
      const reached = unsuppliedPath(v, r.at);
      if (!reached) {
        const stale = staleAnswer(v, r);
        if (stale && !reported.has(`${r.elementId} ${v}`)) {
          reported.add(`${r.elementId} ${v}`);
          findings.push({
            rule: 'variables-supplied',
            elementId: r.elementId,
            category: 'error',
            message:
              `${r.what.zh}读取“${v}”，但紧前一步的表单 ${stale.join('、')} 没有这个字段，案件会沿用更早一步填写的“${v}” / ` +
              `${r.what.en} reads "${v}", but the form of the step just before, ${stale.join(', ')}, has no such field: the case would go by an earlier step's "${v}"`,
          });
        }
        continue;
      }
      const key = `${r.elementId} ${v}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const formsOnWay = [...new Set(reached.filter((n) => n !== r.at || r.after).flatMap((n) => {
        const s = supplies.get(n);
        return s?.kind === 'some' && s.form ? [`${s.form}（${label(n)}）`] : [];
      }))].slice(0, 4);
      const zhForms = formsOnWay.length ? `途经的表单 ${formsOnWay.join('、')} 都没有字段“${v}”` : '途中没有表单提供它';
      const enForms = formsOnWay.length ? `the forms on the way, ${formsOnWay.join(', ')}, have no field "${v}"` : 'no form on the way supplies it';
      findings.push({
        rule: 'variables-supplied',
        elementId: r.elementId,
        category: 'error',
        message:
          `${r.what.zh}读取变量“${v}”，但有一条到达此处的路径上没有任何表单字段、服务或系统变量提供它（${zhForms}），案件走到这里会出错 / ` +
          `${r.what.en} reads "${v}", but on a path to here no form field, service or engine variable supplies it (${enForms}): a case taking it fails here`,
      });
    }
    // A literal compared against a choice: every supplier upstream must be a radio/select that offers it somewhere.
    for (const { variable, value } of got.literals) {
      const upstream = upstreamSuppliers(variable, r);
      if (!upstream.length) continue;
      const choices = upstream.map((n) => {
        const s = supplies.get(n)!;
        return s.kind === 'some' && s.form ? { n, form: s.form, choice: s.choices?.get(variable) } : null;
      });
      if (choices.some((c) => !c || !c.choice)) continue;
      if (choices.some((c) => c!.choice!.values.includes(value))) continue;
      const key = `${r.elementId} ${variable}=${value}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const offers = [...new Map(choices.map((c) => [c!.form, c!])).values()];
      const zh = offers.map((c) => `表单 ${c!.form} 的“${c!.choice!.label}”只提供 ${c!.choice!.values.join('、')}`).join('；');
      const en = offers.map((c) => `"${c!.choice!.label}" of form ${c!.form} offers only ${c!.choice!.values.join(', ')}`).join('; ');
      findings.push({
        rule: 'variables-supplied',
        elementId: r.elementId,
        category: 'error',
        message: `${r.what.zh}把“${variable}”与“${value}”比较，但没有选项取这个值（${zh}），这个分支永远走不到 / ${r.what.en} compares "${variable}" with "${value}", but no option has that value (${en}): the branch can never be taken`,
      });
    }
  }
  return findings;

  /**
   * A condition on a gateway that every way in enters straight from a user task with a form, where
   * none of those forms has `v` though a form upstream does: it reads an earlier step's answer (the
   * chief's 同意 deciding the leader's gateway). The forms of those steps, or null.
   */
  function staleAnswer(v: string, r: Read): string[] | null {
    if (!r.after || r.at.$type === 'bpmn:UserTask') return null;
    const before = flows.filter((f) => f.targetRef === r.at).map((f) => f.sourceRef);
    if (!before.length) return null;
    const named: string[] = [];
    for (const n of before) {
      const s = supplies.get(n);
      if (n.$type !== 'bpmn:UserTask' || s?.kind !== 'some' || !s.form || s.keys.has(v)) return null;
      named.push(`${s.form}（${label(n)}）`);
    }
    const fromForms = upstreamSuppliers(v, r).some((n) => {
      const s = supplies.get(n);
      return s?.kind === 'some' && !!s.form;
    });
    return fromForms ? [...new Set(named)] : null;
  }

  /** The suppliers of `v` from which `r.at` can be reached (nearest ones: the walk back stops at a supplier). */
  function upstreamSuppliers(v: string, r: Read): El[] {
    const incoming = new Map<El, El[]>();
    for (const [from, tos] of outgoing) for (const to of tos) incoming.set(to, [...(incoming.get(to) ?? []), from]);
    for (const [host, list] of boundaries) for (const b of list) incoming.set(b, [...(incoming.get(b) ?? []), { boundaryOf: host }]);
    const found = new Set<El>();
    const seen = new Set<El>();
    const queue: El[] = r.after && suppliesVar(r.at, v) ? [] : [r.at];
    if (r.after && suppliesVar(r.at, v)) found.add(r.at);
    while (queue.length) {
      const n = queue.shift();
      for (const p of incoming.get(n) ?? []) {
        // A boundary event's path left its step before the step completed: look further back from the step.
        const prev = p.boundaryOf ?? p;
        if (seen.has(prev)) continue;
        seen.add(prev);
        if (!p.boundaryOf && suppliesVar(prev, v)) found.add(prev);
        else queue.push(prev);
      }
    }
    return [...found];
  }
}

/**
 * The form of a user task may not carry what the case is about (`caseKeys`: the cadre, the
 * archive, the request …, set by the start service after its checks): completing the step would
 * switch the case after those checks. Start forms may ask for them; their start service checks them.
 */
export function checkStepForms(root: El, forms: Record<string, FormSchema>, caseKeys: readonly string[]): Finding[] {
  const proc = executableProcess(root);
  const reserved = new Set(caseKeys);
  const out: Finding[] = [];
  for (const n of proc?.flowElements ?? []) {
    const key = formKeyValue(n.formKey) ?? '';
    if (n.$type !== 'bpmn:UserTask' || !key || !forms[key]) continue;
    const bad = [...formSupplies(forms[key]).keys].filter((k) => reserved.has(k));
    for (const k of bad) {
      out.push({
        rule: 'reserved-variables',
        elementId: n.id,
        category: 'error',
        message:
          `表单 ${key} 有字段“${k}”：它在案件发起时由系统核对后确定，办理环节不能修改，请删除该字段或换一个标识 / ` +
          `Form ${key} has a field "${k}": it is fixed when the case starts, after its checks, and no step may change it — remove the field or rename its key`,
      });
    }
  }
  return out;
}
