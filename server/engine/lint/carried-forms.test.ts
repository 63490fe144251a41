// The check against the forms a version would carry (carried-forms.ts), which the deploy, the
// validate route and the modeler's live check in the browser all run: the form keys a diagram
// names, a named form without a schema, and what the FEEL reads — and nothing in its imports that
// a browser cannot load.
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import test from 'ava';
import { parseBpmn } from '../moddle.ts';
import { carriedFormFindings, namedFormKeys } from './carried-forms.ts';
import type { FormSchema } from '../../../shared/forms.ts';

const repo = path.join(import.meta.dirname, '..', '..', '..');
const processes = path.join(repo, 'processes');
const shippedForms = (): Record<string, FormSchema> =>
  Object.fromEntries(
    fs
      .readdirSync(path.join(processes, 'forms'))
      .filter((f) => f.endsWith('.form.json'))
      .map((f) => [f.replace(/\.form\.json$/, ''), JSON.parse(fs.readFileSync(path.join(processes, 'forms', f), 'utf8'))]),
  );
const xmlOf = (name: string) => fs.readFileSync(path.join(processes, `${name}.bpmn`), 'utf8');
const rootOf = async (xml: string) => (await parseBpmn(xml)).rootElement;

test('namedFormKeys: the literal keys of the start event and the user tasks, sorted; a FEEL key is not one', async (t) => {
  t.deepEqual(namedFormKeys(await rootOf(xmlOf('copy-request'))), ['approval', 'copy-certify', 'copy-chief', 'copy-disposition', 'copy-start']);
  const feel = xmlOf('copy-request').replace('camunda:formKey="copy-certify"', 'camunda:formKey="=certifyForm"');
  t.false(namedFormKeys(await rootOf(feel)).includes('copy-certify'));
  t.deepEqual(namedFormKeys(undefined), []);
});

test('every shipped process passes with its shipped forms', async (t) => {
  const files = fs.readdirSync(processes).filter((f) => f.endsWith('.bpmn'));
  t.true(files.length >= 8);
  for (const f of files) t.deepEqual(carriedFormFindings(await rootOf(xmlOf(f.replace(/\.bpmn$/, ''))), shippedForms()), [], f);
});

test('a named form without a schema is an unknown form, and then nothing else is judged', async (t) => {
  const forms = shippedForms();
  delete forms['copy-chief'];
  forms.approval = { ...forms.approval, components: [] }; // would fail the gateways, were the forms complete
  t.deepEqual(carriedFormFindings(await rootOf(xmlOf('copy-request')), forms), [{ rule: 'known-forms', message: '未知表单 / Unknown form "copy-chief"', category: 'error' }]);
});

test('a condition reading a variable no form supplies is refused at its flow; the field added to the form clears it', async (t) => {
  const xml = xmlOf('copy-request').replace('=decision = "approve"</bpmn:conditionExpression>', '=decision = "approve" and urgent = true</bpmn:conditionExpression>');
  const forms = shippedForms();
  const found = carriedFormFindings(await rootOf(xml), forms);
  t.is(found.length, 1, JSON.stringify(found));
  t.like(found[0], { rule: 'variables-supplied', category: 'error' });
  t.regex(found[0].message, /条件读取变量“urgent”.*approval（单位负责人审核（unitHeadReview））.* \/ The condition reads "urgent"/);
  forms.approval = { ...forms.approval, components: [...forms.approval.components, { type: 'checkbox', key: 'urgent', label: '加急' }] };
  t.deepEqual(carriedFormFindings(await rootOf(xml), forms), []);
});

test('a step form carrying what the case is about is refused at the step', async (t) => {
  const forms = shippedForms();
  forms.approval = { ...forms.approval, components: [...forms.approval.components, { type: 'textfield', key: 'cadreId', label: '干部' }] };
  const found = carriedFormFindings(await rootOf(xmlOf('copy-request')), forms);
  t.true(found.some((f) => f.rule === 'reserved-variables' && f.elementId === 'unitHeadReview' && /“cadreId”/.test(f.message)), JSON.stringify(found));
});

/** The files a module imports, relative ones followed; bare package names as they are. */
function importsOf(file: string, seen = new Set<string>()): { files: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
      const spec = m[1] ?? m[2];
      if (/^\.\.?\//.test(spec)) visit(path.resolve(path.dirname(f), spec));
      else packages.add(spec);
    }
  };
  visit(file);
  return { files: seen, packages };
}

test('loads in the browser: no Node module anywhere in what it imports (the modeler bundles it)', (t) => {
  const { files, packages } = importsOf(path.join(import.meta.dirname, 'carried-forms.ts'));
  t.true([...files].some((f) => f.endsWith('variables.ts')), 'the walk follows relative imports');
  const node = [...packages].filter((p) => p.startsWith('node:') || builtinModules.includes(p.split('/')[0]));
  t.deepEqual(node, [], [...packages].join(', '));
  t.true(packages.has('@bpmn-io/feelin'));
});
