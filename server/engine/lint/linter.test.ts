// The static lint (linter.ts) that the server and the browser share: it serves exactly bpmnlint's
// recommended rules, and finds what bpmnlint's own module resolution would find.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parseBpmn } from '../moddle.ts';
import { BPMNLINT_RULES, lintDefinitions, recommendedConfig } from './linter.ts';
import { danganRules, lintConfig, type DanganLintContext } from './rules.ts';
import { fixture } from '../../../test/helpers/fixtures.ts';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver.js');

const ctx: DanganLintContext = {
  services: ['prepareBorrowing', 'decide'],
  messages: [],
  roles: ['applicant', 'unit_head', 'archivist', 'archive_chief'],
  forms: ['approval', 'borrowing-start'],
  decisions: [],
  timerMinCycleSeconds: 3600,
  timerMaxRepetitions: 1000,
};

test('the static resolver serves every rule of bpmnlint:recommended, and only those', (t) => {
  t.deepEqual(Object.keys(BPMNLINT_RULES).sort(), Object.keys(recommendedConfig.rules).sort());
  for (const [name, rule] of Object.entries(BPMNLINT_RULES)) t.is(typeof rule, 'function', name);
});

test('it finds what bpmnlint finds through node module resolution, on every test diagram', async (t) => {
  const nodeResolver = new NodeResolver();
  const resolver = {
    resolveRule: (pkg: string, name: string) => (pkg === 'dangan' || pkg === 'bpmnlint-plugin-dangan' ? danganRules[name] : nodeResolver.resolveRule(pkg, name)),
    resolveConfig: (pkg: string, name: string) => nodeResolver.resolveConfig(pkg, name),
  };
  const dir = path.join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');
  const files = [...fs.readdirSync(dir).filter((f) => f.endsWith('.bpmn')), ...fs.readdirSync(path.join(dir, 'lint')).map((f) => `lint/${f}`)];
  t.true(files.length > 10);
  for (const file of files) {
    const { rootElement } = await parseBpmn(fixture(file));
    const ours = await lintDefinitions(rootElement, ctx);
    const theirs: Record<string, Array<{ id?: string; message: string; category: string }>> = await new Linter({ config: lintConfig(ctx), resolver }).lint(rootElement);
    const flat = (list: Array<{ rule: string; elementId?: string; message: string }>) => list.map((f) => `${f.rule} ${f.elementId} ${f.message}`).sort();
    const expected = Object.entries(theirs).flatMap(([rule, l]) => l.map((r) => ({ rule, elementId: r.id, message: r.message })));
    const ourAll = [...ours.errors, ...ours.warnings].filter((f) => f.rule !== 'single-executable-process');
    t.deepEqual(flat(ourAll), flat(expected), file);
  }
});
