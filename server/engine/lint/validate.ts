// Deploy-time validation: parse (warnings are errors), then bpmnlint with our rules. Returns every
// finding so that the 422 answer lists them all.
import { createRequire } from 'node:module';
import { parseBpmn } from '../moddle.ts';
import { danganRules, lintConfig, type DanganLintContext } from './rules.ts';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver.js');

export interface Finding {
  rule: string;
  elementId?: string;
  message: string;
  category: 'error' | 'warn';
}

export interface ValidationResult {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  parsed?: Awaited<ReturnType<typeof parseBpmn>>;
}

const nodeResolver = new NodeResolver();
const resolver = {
  resolveRule(pkg: string, ruleName: string) {
    if (pkg === 'dangan' || pkg === 'bpmnlint-plugin-dangan') return danganRules[ruleName];
    return nodeResolver.resolveRule(pkg, ruleName);
  },
  resolveConfig(pkg: string, configName: string) {
    return nodeResolver.resolveConfig(pkg, configName);
  },
};

export async function validateBpmn(xml: string, ctx: DanganLintContext): Promise<ValidationResult> {
  let parsed;
  try {
    parsed = await parseBpmn(xml);
  } catch (e) {
    const f: Finding = { rule: 'parse', message: `无法解析 BPMN / ${(e as Error).message}`, category: 'error' };
    return { ok: false, errors: [f], warnings: [] };
  }
  const errors: Finding[] = parsed.warnings.map((message) => ({ rule: 'parse', message, category: 'error' as const }));
  const warnings: Finding[] = [];

  const root = parsed.rootElement;
  const processes = (root.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p: any) => p.isExecutable);
  if (executable.length !== 1) {
    errors.push({ rule: 'single-executable-process', message: '须有且仅有一个可执行流程 / Exactly one executable process is required', category: 'error' });
  }

  const linter = new Linter({ config: lintConfig(ctx), resolver });
  const reports: Record<string, Array<{ id?: string; message: string; category: string }>> = await linter.lint(root);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const finding: Finding = { rule, elementId: r.id, message: r.message, category: r.category === 'warn' ? 'warn' : 'error' };
      (finding.category === 'error' ? errors : warnings).push(finding);
    }
  }
  return { ok: errors.length === 0, errors, warnings, parsed };
}
