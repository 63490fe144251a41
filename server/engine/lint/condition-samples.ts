// The deploy-time check that a gateway condition can give true or false with the values the case
// can hold. feelin evaluates a condition that compares wrongly (`decision > "approve" + 1`, a number
// read from a text field compared with `>`) to null without a warning; at run time null is no
// boolean, so every case stops at the gateway with an incident (conditions.ts) — after the
// approver's work. Here each plain condition is evaluated with sample values of the variables it
// reads: the options of a radio or select, true and false for a checkbox, numbers for a number
// field, and a generic mix for anything a service, a message or a free text field supplies. When
// no combination gives true or false, the condition is refused at its flow. FEEL is data, not code:
// evaluating it runs nothing of the diagram's. Pure, no Node APIs, like the rest of the lint.
import { evaluate } from '@bpmn-io/feelin';
import type { FormComponent, FormSchema } from '../../../shared/forms.ts';
import { executableProcess } from '../moddle.ts';
import type { Finding } from './linter.ts';
import { feelReads, type VariableContext } from './variables.ts';
import { formKeyValue } from './rules.ts';

type El = any;

/** What a variable may hold when nothing says more: texts, numbers, booleans, a date, a list. */
const GENERIC: readonly unknown[] = ['approve', 'reject', 'yes', 'no', '文本', '', 0, 1, 100, true, false, '2026-01-01', '2026-01-01T08:00', []];
/** Evaluations per condition at most: a condition reading many free variables is left to the run time. */
const MAX_COMBINATIONS = 2000;

/** Sample values of one form field, by its type. */
function fieldSamples(c: FormComponent): readonly unknown[] {
  const options = Array.isArray(c.values) && c.values.length ? c.values.map((v) => String(v?.value)) : null;
  switch (c.type) {
    case 'radio':
    case 'select':
      return options ?? GENERIC;
    case 'checkbox':
      return [true, false];
    case 'number':
      return [0, 1, 100];
    case 'checklist':
    case 'taglist':
      return options ? [[], [options[0]], options] : [[], ['文本']];
    case 'textfield':
    case 'textarea':
      return ['approve', 'reject', 'yes', 'no', '文本', ''];
    default:
      return GENERIC;
  }
}

/** Top-level fields of a form by key (fields in a group keep their own key; a group's path is not a scalar). */
function fieldsByKey(schema: FormSchema | undefined, out: Map<string, unknown[]>): void {
  const walk = (components: FormComponent[] | undefined) => {
    for (const c of components ?? []) {
      if (!c || typeof c !== 'object') continue;
      if (c.type === 'group' || c.type === 'dynamiclist') {
        if (!c.path) walk(c.components);
        continue;
      }
      if (typeof c.key !== 'string' || !c.key || c.key.includes('.')) continue;
      out.set(c.key, [...(out.get(c.key) ?? []), ...fieldSamples(c)]);
    }
  };
  walk(schema?.components);
}

const formKeyOf = (el: El): string => formKeyValue(el.formKey) ?? '';

const SERVICE_EXPR = /^\$\{\s*environment\.services\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;

/**
 * Whether something other than a form may set `v`: the engine, a service (one that declares no
 * outputs may set anything), a message, a decision table, a start without a form (a domain starts
 * it with its own variables). Such a variable may hold anything: the generic samples are tried too.
 */
function otherSuppliers(proc: El, vctx: VariableContext): (v: string) => boolean {
  const named = new Set<string>(vctx.engineVariables);
  let anything = false;
  for (const el of proc.flowElements ?? []) {
    const defs: string[] = (el.eventDefinitions ?? []).map((d: El) => d.$type);
    if (el.$type === 'bpmn:ReceiveTask' || defs.includes('bpmn:MessageEventDefinition')) anything = true;
    else if (el.$type === 'bpmn:StartEvent' && !defs.length && !formKeyOf(el)) anything = true;
    else if (el.$type === 'bpmn:BusinessRuleTask' && el.resultVariable) named.add(String(el.resultVariable));
    else if (el.$type === 'bpmn:ServiceTask' || el.$type === 'bpmn:SendTask') {
      const m = SERVICE_EXPR.exec(String(el.implementation ?? '').trim());
      const declared = m ? vctx.serviceOutputs[m[1]] : undefined;
      if (declared) for (const v of declared) named.add(v);
      else anything = true;
    }
  }
  return (v) => anything || named.has(v);
}

/** Every flow whose condition gives neither true nor false for any sample of the variables it reads. */
export function checkConditionSamples(root: El, forms: Record<string, FormSchema>, vctx: VariableContext): Finding[] {
  const proc = executableProcess(root);
  if (!proc) return [];
  const suppliedElsewhere = otherSuppliers(proc, vctx);
  const fromForms = new Map<string, unknown[]>();
  for (const el of proc.flowElements ?? []) {
    if (el.$type === 'bpmn:UserTask' || el.$type === 'bpmn:StartEvent') fieldsByKey(forms[formKeyOf(el)], fromForms);
  }
  const findings: Finding[] = [];
  for (const flow of proc.flowElements ?? []) {
    if (flow.$type !== 'bpmn:SequenceFlow' || flow.conditionExpression?.language) continue;
    const body = typeof flow.conditionExpression?.body === 'string' ? flow.conditionExpression.body.trim() : '';
    if (!body.startsWith('=')) continue;
    const expression = body.slice(1);
    const reads = feelReads(expression);
    // Paths and params have shapes this check does not know; those conditions are judged when they run.
    if (!reads || reads.params || reads.paths.length) continue;
    const samples = reads.variables.map((v) => {
      const known = fromForms.get(v) ?? [];
      return [...new Set([...known, ...(known.length && !suppliedElsewhere(v) ? [] : GENERIC)])];
    });
    if (samples.reduce((n, s) => n * s.length, 1) > MAX_COMBINATIONS) continue;
    if (someBoolean(expression, reads.variables, samples)) continue;
    const name = typeof flow.name === 'string' && flow.name.trim() ? flow.name.trim() : null;
    const zh = name ? `“${name}”（${flow.id}）` : `“${flow.id}”`;
    const en = name ? `"${name}" (${flow.id})` : `"${flow.id}"`;
    const tried = reads.variables.map((v, i) => `${v} = ${samples[i].slice(0, 4).map((x) => JSON.stringify(x)).join(', ')}${samples[i].length > 4 ? ' …' : ''}`).join('; ');
    findings.push({
      rule: 'condition-boolean',
      elementId: flow.id,
      category: 'error',
      message:
        `顺序流${zh}的条件“${body}”对表单可能填写的任何值都得不出“是”或“否”（试过 ${tried || '无变量'}），每个案件都会停在这个网关：请写比较或布尔值，如 =decision = "approve" / ` +
        `The condition "${body}" of flow ${en} gives neither true nor false for any value the case can hold (tried ${tried || 'no variables'}): every case would stop at the gateway. Write a comparison or a boolean, e.g. =decision = "approve"`,
    });
  }
  return findings;
}

/** Whether some combination of the samples makes the expression true or false without a warning. */
function someBoolean(expression: string, variables: string[], samples: unknown[][]): boolean {
  const context: Record<string, unknown> = {};
  const tryFrom = (i: number): boolean => {
    if (i === variables.length) {
      try {
        const r = evaluate(expression, context) as { value: unknown; warnings?: unknown[] };
        return typeof r.value === 'boolean' && !r.warnings?.length;
      } catch {
        return false;
      }
    }
    for (const v of samples[i]) {
      context[variables[i]] = v;
      if (tryFrom(i + 1)) return true;
    }
    return false;
  };
  return tryFrom(0);
}
