// Which variables a diagram reads to route a case, and what of a case's variables the process
// administrator may see (operations.ts explains why): names and types of all, values only of the
// paths the diagram's own expressions read, and only plain scalars (a long text never shows).
import { parseBpmn } from '../engine/moddle.ts';

/** FEEL words and built-in names that are not variables. */
const NOT_VARIABLES = new Set([
  'and', 'or', 'not', 'true', 'false', 'null', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every',
  'satisfies', 'between', 'instance', 'of', 'function', 'params', 'item',
]);
const MAX_SHOWN_TEXT = 40;

/** Variable paths in a FEEL expression: identifiers with their dotted tails, outside string literals, not called. */
export function feelPaths(expression: string): string[] {
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out: string[] = [];
  const re = /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(\s*\()?/g;
  for (const m of code.matchAll(re)) {
    if (m[2]) continue; // a function call
    if (NOT_VARIABLES.has(m[1].split('.')[0])) continue;
    out.push(m[1]);
  }
  return out;
}

/** Every FEEL expression of the diagram (and the inputs of the decision tables it calls). */
export async function routingPaths(xml: string, decisionInputs: (decisionRef: string) => string[]): Promise<Set<string>> {
  const { rootElement } = await parseBpmn(xml);
  const paths = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: any) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('$') || k === 'sourceRef' || k === 'targetRef' || k === 'attachedToRef' || k === 'incoming' || k === 'outgoing' || k === 'default') continue;
      if (typeof v === 'string' && v.trim().startsWith('=')) for (const p of feelPaths(v.trim().slice(1))) paths.add(p);
      else if (typeof v === 'object') visit(v);
    }
    if (node.$type === 'bpmn:BusinessRuleTask' && node.decisionRef) {
      for (const e of decisionInputs(node.decisionRef)) for (const p of feelPaths(e)) paths.add(p);
    }
  };
  for (const r of rootElement.rootElements ?? []) if (r.$type === 'bpmn:Process') visit(r);
  return paths;
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v);

function valueAt(vars: Record<string, unknown>, path: string): unknown {
  let cur: unknown = vars;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const shown = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'boolean' || typeof v === 'number' || (typeof v === 'string' && [...v].length <= MAX_SHOWN_TEXT && !/[\r\n]/.test(v));

export function visibleVariables(vars: Record<string, unknown>, paths: Set<string>) {
  return Object.keys(vars)
    .sort()
    .map((name) => ({
      name,
      type: typeOf(vars[name]),
      routing: [...paths]
        .filter((p) => p === name || p.startsWith(`${name}.`))
        .sort()
        .flatMap((path) => {
          const value = valueAt(vars, path);
          return shown(value) ? [{ path, value }] : [];
        }),
    }));
}
