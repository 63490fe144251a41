import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { startersIn } from './bars.ts';

const processes = path.resolve(import.meta.dirname, '../../processes');

test('the starter roles are read whatever prefixes the XML uses, as the engine reads them', (t) => {
  const borrowing = fs.readFileSync(path.join(processes, 'borrowing.bpmn'), 'utf8');
  t.deepEqual(startersIn(borrowing), ['applicant']);
  // The same diagram as a modeler of another make writes it: bpmn2:, another camunda prefix, single quotes.
  const renamed = borrowing
    .replace(/<(\/?)bpmn:/g, '<$1bpmn2:')
    .replace(/xmlns:bpmn=/, 'xmlns:bpmn2=')
    .replace(/camunda:candidateStarterGroups="applicant"/, "c:candidateStarterGroups='applicant, unit_head'");
  t.deepEqual(startersIn(renamed), ['applicant', 'unit_head']);
  t.deepEqual(startersIn('<process id="p" isExecutable="true" camunda:candidateStarterGroups="archivist">'), ['archivist']);
  // Only the process element's attribute counts.
  t.deepEqual(startersIn('<bpmn:processNote camunda:candidateStarterGroups="archivist"/><bpmn:process id="p">'), []);
});
