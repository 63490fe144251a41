// The deploy-time rules that keep a diagram from breaking the cases that reach a step: due dates
// that are not dates, timers that make a loop spin, FEEL cycles the run time would refuse, and
// steps for roles that never work tasks (helper-41's findings). Each diagram here deployed before.
import test from 'ava';
import { validateBpmn } from './validate.ts';
import { dueDateProblem, MAX_DUE_SECONDS } from './rules.ts';

const ctx = {
  services: [],
  messages: [],
  roles: ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer'],
  forms: ['approval'],
  decisions: [],
  timerMinCycleSeconds: 3600,
  timerMaxRepetitions: 1000,
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function diagram(body: string, starters = 'applicant'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://dangan.example/test">
  <bpmn:process id="p" name="P" isExecutable="true" camunda:candidateStarterGroups="${esc(starters)}">
${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → one user task with these attributes → end. */
const oneTask = (attrs: Record<string, string>, starters?: string) =>
  diagram(
    `    <bpmn:startEvent id="start" name="开始" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step" />
    <bpmn:userTask id="step" name="审核" camunda:formKey="approval" ${Object.entries(attrs).map(([k, v]) => `camunda:${k}="${esc(v)}"`).join(' ')} />
    <bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="end" />
    <bpmn:endEvent id="end" name="结束" />`,
    starters,
  );

async function findings(xml: string, rule: string) {
  const r = await validateBpmn(xml, ctx);
  return r.errors.filter((e) => e.rule === `dangan/${rule}`);
}

test('a literal due date must be a positive duration of at most ten years or a future date; each refusal says what is wrong in both languages', async (t) => {
  for (const bad of ['3天', 'next tuesday', '-P3D', 'P300000Y', 'PT0S', 'P0D', '2020-01-01', '2020-01-01T08:00:00Z', '2026-13-45', 'P11Y']) {
    const f = await findings(oneTask({ candidateGroups: 'archivist', dueDate: bad }), 'due-date');
    t.is(f.length, 1, bad);
    t.is(f[0].elementId, 'step', bad);
    t.regex(f[0].message, /办理期限.* \/ due date/, bad);
  }
  const future = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
  for (const good of ['P3D', 'PT4H', 'P1Y', 'P10Y', future, `${future}T17:00:00+08:00`, '=grant.validUntil', '="P" + string(params.copyDispositionDays) + "D"']) {
    t.deepEqual(await findings(oneTask({ candidateGroups: 'archivist', dueDate: good }), 'due-date'), [], good);
  }
});

test('dueDateProblem: the run time accepts a past date FEEL computed, never nonsense or more than ten years', (t) => {
  const now = Date.parse('2026-11-27T00:00:00Z');
  t.is(dueDateProblem('2026-11-01', now, true), null);
  t.truthy(dueDateProblem('2026-11-01', now, false));
  t.truthy(dueDateProblem('next tuesday', now, true));
  t.truthy(dueDateProblem('P300000Y', now, true));
  t.truthy(dueDateProblem('Invalid Date', now, true));
  t.truthy(dueDateProblem('2040-01-01', now, true));
  t.is(dueDateProblem('P3650D', now), null);
  t.is(MAX_DUE_SECONDS, 10 * 365 * 86400);
});

const timerLoop = (duration: string, extra = '') =>
  diagram(`    <bpmn:startEvent id="start" name="开始" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait" name="等一下">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${esc(duration)}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="${extra ? 'step' : 'again'}" />
    ${extra ? `<bpmn:userTask id="step" name="审核" camunda:formKey="approval" camunda:candidateGroups="archivist" />
    <bpmn:sequenceFlow id="f5" sourceRef="step" targetRef="again" />` : ''}
    <bpmn:exclusiveGateway id="again" name="再来？" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="again" targetRef="wait"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="again" targetRef="end" />
    <bpmn:endEvent id="end" name="结束" />`);

test('a loop whose only wait is a timer shorter than the minimum cycle (or FEEL, or a fixed date) is refused at the timer', async (t) => {
  for (const d of ['PT1S', 'PT59M', '=reminderEvery']) {
    const f = await findings(timerLoop(d), 'no-loop-without-wait');
    t.is(f.length, 1, d);
    t.is(f[0].elementId, 'wait', d);
    t.regex(f[0].message, /不足 1 小时的定时器.* \/ .*shorter than 3600 s/, d);
  }
  t.deepEqual(await findings(timerLoop('PT1H'), 'no-loop-without-wait'), []);
  t.deepEqual(await findings(timerLoop('P1D'), 'no-loop-without-wait'), []);
  // A user task in the loop is the wait: a short reminder timer beside it is fine.
  t.deepEqual(await findings(timerLoop('PT1S', 'task'), 'no-loop-without-wait'), []);
});

const cycleTimer = (cycle: string) =>
  diagram(`    <bpmn:startEvent id="start" name="开始" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step" />
    <bpmn:userTask id="step" name="审核" camunda:formKey="approval" camunda:candidateGroups="archivist" />
    <bpmn:boundaryEvent id="chase" name="催办" cancelActivity="false" attachedToRef="step">
      <bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${esc(cycle)}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="chase" targetRef="chased" />
    <bpmn:endEvent id="chased" name="已催办" />
    <bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="end" />
    <bpmn:endEvent id="end" name="结束" />`);

test('a FEEL timeCycle must begin with the literal R<n>/P… the run time requires; the shipped transfer form passes', async (t) => {
  const bad = await findings(cycleTimer('=loanRemindIn'), 'feel-time-cycle');
  t.is(bad.length, 1);
  t.is(bad[0].elementId, 'chase');
  t.regex(bad[0].message, /R<次数>\/P.* \/ .*must begin with the literal/);
  t.deepEqual(await findings(cycleTimer('="R12/P" + string(params.receiptChaseDays) + "D"'), 'feel-time-cycle'), []);
  t.deepEqual(await findings(cycleTimer('R3/P1D'), 'feel-time-cycle'), []);
});

test('a step or a starter naming process_admin or one of the 三员, literally or as a FEEL string, is refused with the reason', async (t) => {
  for (const role of ['process_admin', 'sec_admin', 'sys_admin', 'auditor']) {
    const literal = await findings(oneTask({ candidateGroups: role }), 'user-task-assignment');
    t.is(literal.length, 1, role);
    t.regex(literal[0].message, new RegExp(`不办理业务.* / ${role} takes no business steps`), role);
    const feel = await findings(oneTask({ candidateGroups: `="${role}"` }), 'business-roles');
    t.is(feel.length, 1, role);
    t.is(feel[0].elementId, 'step');
    const starter = await findings(oneTask({ candidateGroups: 'archivist' }, `applicant,${role}`), 'process-starters');
    t.is(starter.length, 1, role);
  }
  t.deepEqual(await findings(oneTask({ candidateGroups: '="archivist"' }), 'business-roles'), []);
  t.deepEqual(await findings(oneTask({ candidateGroups: '=if x then "archivist" else "producer"' }), 'business-roles'), []);
  t.deepEqual(await findings(oneTask({ candidateGroups: 'archivist' }), 'user-task-assignment'), []);
});
