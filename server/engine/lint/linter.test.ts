// The static lint (linter.ts) that the server and the browser share: it serves exactly bpmnlint's
// recommended rules, and finds what bpmnlint's own module resolution would find.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parseBpmn } from '../moddle.ts';
import { BPMNLINT_NAMES, BPMNLINT_RULES, bpmnlintMessage, lintDefinitions, recommendedConfig } from './linter.ts';
import { validateBpmn } from './validate.ts';
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
    const expected = Object.entries(theirs).flatMap(([rule, l]) => l.map((r) => ({ rule, elementId: r.id, message: bpmnlintMessage(rule, r.message) })));
    const ourAll = [...ours.errors, ...ours.warnings].filter((f) => f.rule !== 'single-executable-process' && f.rule !== 'process-name');
    t.deepEqual(flat(ourAll), flat(expected), file);
  }
});

test('bpmnlint\'s own findings are named "中文 / English" with bpmnlint\'s words kept, from one table covering every rule', async (t) => {
  t.deepEqual(Object.keys(BPMNLINT_NAMES).sort(), Object.keys(BPMNLINT_RULES).sort());
  const xml = fixture('approval-chain.bpmn').replace(/<bpmndi:BPMNShape [^>]*bpmnElement="[^"]*"[^>]*>[\s\S]*?<\/bpmndi:BPMNShape>/, '');
  const { rootElement } = await parseBpmn(xml);
  const { errors } = await lintDefinitions(rootElement, ctx);
  const bpmndi = errors.find((f) => f.rule === 'no-bpmndi');
  t.truthy(bpmndi, JSON.stringify(errors));
  t.is(bpmndi!.message, '元素缺少图形（请在图上绘制） / The element has no shape in the diagram (Element is missing bpmndi)');
});

test('a diagram with no process is refused as such, not with a crashed rule\'s words', async (t) => {
  const r = await validateBpmn('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>', ctx);
  t.false(r.ok);
  t.deepEqual(r.errors.map((f) => f.message), ['图中没有流程（bpmn:process） / The diagram has no process (bpmn:process)']);
});

test('parser problems say 无法解析 BPMN once, on one line, with the line and column', async (t) => {
  const xml = fixture('approval-chain.bpmn');
  const doctype = await validateBpmn(xml.replace('<bpmn:definitions', '<!DOCTYPE x [ <!ENTITY e "y"> ]>\n<bpmn:definitions'), ctx);
  const parse = doctype.errors.filter((f) => f.rule === 'parse');
  t.true(parse.length >= 1);
  for (const f of parse) {
    t.regex(f.message, /^无法解析 BPMN：.+ \/ Cannot parse the BPMN/);
    t.notRegex(f.message, /\n|\t/);
  }
  t.is(new Set(parse.map((f) => f.message)).size, parse.length);
  const attr = await validateBpmn(xml.replace(/<bpmn:process /, '<bpmn:process isExecutable2="maybe" '), ctx);
  t.deepEqual(attr.errors.filter((f) => f.rule === 'parse').map((f) => f.message), ['无法解析 BPMN：不认识的属性“isExecutable2” / Cannot parse the BPMN: unknown attribute <isExecutable2>']);
});

test('the process needs a name of at most 100 characters', async (t) => {
  const xml = fixture('approval-chain.bpmn');
  const named = (name: string | null) => xml.replace(/(<bpmn:process [^>]*?)\s+name="[^"]*"/, name === null ? '$1' : `$1 name="${name}"`);
  const rule = async (x: string) => (await validateBpmn(x, ctx)).errors.filter((f) => f.rule === 'process-name').map((f) => f.message);
  t.deepEqual(await rule(named('借阅')), []);
  t.regex((await rule(named(null)))[0] ?? '', /^流程须有名称/);
  t.regex((await rule(named('  ')))[0] ?? '', /^流程须有名称/);
  t.regex((await rule(named('名'.repeat(101))))[0] ?? '', /不得超过 100 字 \/ The process name may not exceed 100 characters/);
  t.deepEqual(await rule(named('名'.repeat(100))), []);
});
