// The only way a diagram's text becomes a value. FEEL (`=…`) is evaluated by @bpmn-io/feelin with
// warnings treated as errors; `${…}` resolves to a registered service or a plain data path, never
// to a function of the runtime (bpmn-engine's default walks `.constructor` up to Function).
import { evaluate } from '@bpmn-io/feelin';

export const VARS = 'dangan';

const SERVICE = /^environment\.services\.([A-Za-z_][A-Za-z0-9_]*)$/;
const DATA_PATH = /^(environment\.variables\.dangan|content)(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype']);

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export interface ExpressionDeps {
  /** Registered service functions for the current command. */
  service(name: string): Function | undefined;
  /** Installation parameters visible to FEEL as `params`. */
  params: Record<string, unknown>;
}

const isPlain = (v: unknown) =>
  v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v) || Array.isArray(v) ||
  (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null));

function readPath(root: Record<string, unknown>, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (FORBIDDEN.has(seg)) throw new ExpressionError(`Path segment "${seg}" is not allowed`);
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (typeof cur === 'function' || !isPlain(cur)) throw new ExpressionError(`"${path}" is not data`);
  return cur;
}

export function feelContext(variables: unknown, params: Record<string, unknown>): Record<string, unknown> {
  const vars = variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {};
  return { ...vars, params };
}

/** Evaluates a FEEL expression (without the leading =). Warnings are errors. */
export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  let result: { value: unknown; warnings: Array<{ message: string }> };
  try {
    result = evaluate(expression, context) as typeof result;
  } catch (e) {
    throw new ExpressionError(`FEEL "${expression}": ${(e as Error).message}`);
  }
  if (result.warnings?.length) {
    throw new ExpressionError(`FEEL "${expression}": ${result.warnings.map((w) => w.message).join('; ')}`);
  }
  return result.value;
}

export function createExpressions(deps: ExpressionDeps) {
  function resolveExpression(templated: unknown, context: any): unknown {
    if (typeof templated !== 'string') return templated;
    const text = templated.trim();
    if (text.startsWith('=')) {
      const vars = context?.environment?.variables?.[VARS];
      return evalFeel(text.slice(1), feelContext(vars, deps.params));
    }
    if (!text.includes('${')) return templated;

    const whole = /^\$\{\s*([^}]+?)\s*\}$/.exec(text);
    if (whole) {
      const inner = whole[1];
      if (inner === 'true') return true;
      if (inner === 'false') return false;
      if (inner === 'null') return null;
      const svc = SERVICE.exec(inner);
      if (svc) {
        const fn = deps.service(svc[1]);
        if (!fn) throw new ExpressionError(`Service "${svc[1]}" is not registered`);
        return fn;
      }
      return readData(inner, context);
    }
    // Interpolation inside a longer string: data paths only.
    return text.replace(/\$\{\s*([^}]+?)\s*\}/g, (_, inner: string) => {
      const v = readData(inner, context);
      return v === undefined || v === null ? '' : String(v);
    });
  }

  function readData(inner: string, context: any): unknown {
    if (!DATA_PATH.test(inner)) throw new ExpressionError(`Expression "\${${inner}}" is not allowed`);
    const root = inner.startsWith('content')
      ? { content: context?.content }
      : { environment: { variables: { [VARS]: context?.environment?.variables?.[VARS] } } };
    return readPath(root as Record<string, unknown>, inner);
  }

  return {
    resolveExpression,
    isExpression: (t: unknown) => typeof t === 'string' && (/^\$\{.+\}$/.test(t.trim()) || t.trim().startsWith('=')),
    hasExpression: (t: unknown) => typeof t === 'string' && (/\$\{.+?\}/.test(t) || t.trim().startsWith('=')),
  };
}

/**
 * Script tasks and language= conditions: refused, always. bpmn-elements asks for a script for
 * every condition; without a language it must get none, so that the condition goes to the
 * expression resolver above.
 */
export const refuseScripts = {
  register() {},
  getScript(language: string | undefined, activity: { id: string }) {
    if (!language) return undefined;
    return {
      execute(_scope: unknown, callback: (err: Error) => void) {
        callback(new ExpressionError(`Scripts are disabled (${language} in ${activity?.id})`));
      },
    };
  },
};
