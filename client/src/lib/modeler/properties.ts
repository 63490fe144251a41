// The properties panel, restricted to what Dangan's engine reads: a bpmn-js module whose provider
// keeps the standard "general" and "documentation" groups, drops every other standard group, and
// adds ours — who does a user task (candidate role from the installation's roles, or an assignee
// expression), its form and due date, the form of the start event, who may start the process,
// the condition of a flow, a timer's type and value, the registered service a service task
// calls, and the decision table of a business rule task. Options come from the installation's
// lint context (the same lists the deploy-time check accepts).
import { Group, SelectEntry, TextFieldEntry, CheckboxEntry, isSelectEntryEdited, isTextFieldEntryEdited, isCheckboxEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import type { ModelerContext } from './context.ts';
import { timerEntries } from './timer-entries.ts';

export type Translate = (s: string, r?: Record<string, string>) => string;
export type Entry = { id: string; component: (props: any) => unknown; isEdited?: (el: unknown) => boolean };

const SERVICE = /^\$\{environment\.services\.([A-Za-z_][A-Za-z0-9_]*)\}$/;
const KEPT_STANDARD_GROUPS = new Set(['general', 'documentation']);

const bo = (element: any) => getBusinessObject(element);
const useCtx = (): ModelerContext => useService('danganContext') as ModelerContext;

type Write = (modeling: any, element: any, value: string) => void;

function select(id: string, label: string, description: string | undefined, read: (b: any) => string, write: Write, options: () => Array<{ value: string; label: string }>) {
  return function Component(props: { element: any }) {
    const translate = useService('translate') as Translate;
    const modeling = useService('modeling');
    return SelectEntry({
      element: props.element,
      id,
      label: translate(label),
      description: description ? translate(description) : undefined,
      getValue: () => read(bo(props.element)) ?? '',
      setValue: (v: string) => write(modeling, props.element, v),
      getOptions: () => [{ value: '', label: translate('<none>') }, ...options()],
    });
  };
}

function text(id: string, label: string, description: string | undefined, read: (b: any) => string | undefined, write: Write, validate?: (v: string) => string | null) {
  return function Component(props: { element: any }) {
    const translate = useService('translate') as Translate;
    const modeling = useService('modeling');
    const debounce = useService('debounceInput');
    return TextFieldEntry({
      element: props.element,
      id,
      label: translate(label),
      description: description ? translate(description) : undefined,
      debounce,
      getValue: () => read(bo(props.element)) ?? '',
      setValue: (v: string) => write(modeling, props.element, v),
      validate: validate ? (v: string) => (validate(v) ? translate(validate(v)!) : null) : undefined,
    });
  };
}

/** Writes camunda:/bpmn attributes on the element; empty means absent. */
function update(modeling: any, element: any, props: Record<string, unknown>): void {
  modeling.updateProperties(element, Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v === '' ? undefined : v])));
}

function feelOrPlain(v: string): string | null {
  return v.trim().startsWith('$') || v.includes('${') ? 'Use FEEL (=…) or plain text; ${…} expressions are not allowed' : null;
}

function userTaskEntries(ctx: ModelerContext): Entry[] {
  return [
    {
      id: 'dangan-candidateRole',
      component: select(
        'dangan-candidateRole',
        'Candidate role',
        'The holders of this role in the unit the case belongs to may claim the task',
        (b) => b.get('camunda:candidateGroups'),
        (m, el, v) => update(m, el, { 'camunda:candidateGroups': v }),
        () => ctx.roleOptions(),
      ),
      isEdited: isSelectEntryEdited,
    },
    {
      id: 'dangan-assignee',
      component: text(
        'dangan-assignee',
        'Assignee (expression)',
        'Instead of a role: a FEEL expression giving a user id, e.g. =initiator',
        (b) => b.get('camunda:assignee'),
        (m, el, v) => update(m, el, { 'camunda:assignee': v }),
        feelOrPlain,
      ),
      isEdited: isTextFieldEntryEdited,
    },
    formEntry(ctx),
    {
      id: 'dangan-dueDate',
      component: text(
        'dangan-dueDate',
        'Due date',
        'An ISO 8601 duration from when the task opens (P3D = 3 days, PT4H = 4 hours) or a FEEL date-time',
        (b) => b.get('camunda:dueDate'),
        (m, el, v) => update(m, el, { 'camunda:dueDate': v }),
        feelOrPlain,
      ),
      isEdited: isTextFieldEntryEdited,
    },
  ];
}

function formEntry(ctx: ModelerContext): Entry {
  return {
    id: 'dangan-formKey',
    component: select(
      'dangan-formKey',
      'Form',
      'The form the step shows (processes/forms, or a form edited here)',
      (b) => b.get('camunda:formKey'),
      (m, el, v) => update(m, el, { 'camunda:formKey': v }),
      () => ctx.formOptions(),
    ),
    isEdited: isSelectEntryEdited,
  };
}

function starterEntries(ctx: ModelerContext): Entry[] {
  return ctx.roleOptions().map((role) => ({
    id: `dangan-starter-${role.value}`,
    component: function Starter(props: { element: any }) {
      const modeling = useService('modeling');
      const list = () => String(bo(props.element).get('camunda:candidateStarterGroups') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      return CheckboxEntry({
        element: props.element,
        id: `dangan-starter-${role.value}`,
        label: role.label,
        description: undefined,
        getValue: () => list().includes(role.value),
        setValue: (on: boolean) => {
          const next = on ? [...new Set([...list(), role.value])] : list().filter((r) => r !== role.value);
          update(modeling, props.element, { 'camunda:candidateStarterGroups': next.join(',') });
        },
      });
    },
    isEdited: isCheckboxEntryEdited,
  }));
}

function conditionEntry(): Entry {
  return {
    id: 'dangan-condition',
    component: function Condition(props: { element: any }) {
      const translate = useService('translate') as Translate;
      const debounce = useService('debounceInput');
      const bpmnFactory = useService('bpmnFactory') as any;
      const modeling = useService('modeling');
      return TextFieldEntry({
        element: props.element,
        id: 'dangan-condition',
        label: translate('Condition (FEEL)'),
        description: translate('Taken when true, e.g. =decision = "approve"; leave empty on the default flow'),
        debounce,
        getValue: () => bo(props.element).get('conditionExpression')?.get('body') ?? '',
        setValue: (v: string) => {
          const expr = v.trim() ? bpmnFactory.create('bpmn:FormalExpression', { body: v.trim() }) : undefined;
          update(modeling, props.element, { conditionExpression: expr });
        },
        validate: (v: string) => (v.trim() && !v.trim().startsWith('=') ? translate('A condition is a FEEL expression starting with =') : null),
      });
    },
    isEdited: isTextFieldEntryEdited,
  };
}

function serviceEntry(ctx: ModelerContext): Entry {
  return {
    id: 'dangan-service',
    component: select(
      'dangan-service',
      'Service',
      'The registered service this step calls (services cannot be written here: they are part of the installation)',
      (b) => SERVICE.exec(String(b.get('implementation') ?? ''))?.[1] ?? '',
      (m, el, v) => update(m, el, { implementation: v ? `\${environment.services.${v}}` : '' }),
      () => ctx.lint.services.filter((s) => s !== 'decide').map((s) => ({ value: s, label: s })),
    ),
    isEdited: isSelectEntryEdited,
  };
}

function decisionEntries(ctx: ModelerContext): Entry[] {
  return [
    {
      id: 'dangan-decisionRef',
      component: select(
        'dangan-decisionRef',
        'Decision table',
        'A DMN decision table of processes/decisions, evaluated with FEEL',
        (b) => b.get('camunda:decisionRef'),
        (m, el, v) => update(m, el, { 'camunda:decisionRef': v, implementation: v ? '${environment.services.decide}' : '' }),
        () => ctx.lint.decisions.map((d) => ({ value: d, label: d })),
      ),
      isEdited: isSelectEntryEdited,
    },
    {
      id: 'dangan-resultVariable',
      component: text(
        'dangan-resultVariable',
        'Result variable',
        'The variable that receives the table’s result (letters, digits, _)',
        (b) => b.get('camunda:resultVariable'),
        (m, el, v) => update(m, el, { 'camunda:resultVariable': v }),
        (v) => (v && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? 'Letters, digits and _ only, not starting with a digit' : null),
      ),
      isEdited: isTextFieldEntryEdited,
    },
  ];
}

class DanganPropertiesProvider {
  static $inject = ['propertiesPanel', 'translate', 'danganContext'];

  constructor(
    propertiesPanel: any,
    private readonly translate: Translate,
    private readonly ctx: ModelerContext,
  ) {
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: any) {
    return (groups: any[]) => {
      const t = this.translate;
      const b = bo(element);
      const kept = groups
        .filter((g) => KEPT_STANDARD_GROUPS.has(g.id))
        .map((g) =>
          g.id === 'general' && is(element, 'bpmn:Process')
            ? // The process key is fixed once deployed; whether it runs is not the administrator's choice.
              { ...g, entries: g.entries.filter((e: Entry) => (e.id !== 'id' || !this.ctx.lockedKey) && e.id !== 'isExecutable') }
            : g,
        );
      const ours: Array<{ id: string; label: string; entries: Entry[] }> = [];
      if (is(element, 'bpmn:UserTask')) ours.push({ id: 'dangan-assignment', label: t('Assignment and deadline'), entries: userTaskEntries(this.ctx) });
      if (is(element, 'bpmn:StartEvent') && !(b.eventDefinitions ?? []).length) ours.push({ id: 'dangan-start-form', label: t('Start form'), entries: [formEntry(this.ctx)] });
      if (is(element, 'bpmn:Process')) ours.push({ id: 'dangan-starters', label: t('Who may start it'), entries: starterEntries(this.ctx) });
      if (is(element, 'bpmn:SequenceFlow') && b.sourceRef && (is(b.sourceRef, 'bpmn:ExclusiveGateway') || is(b.sourceRef, 'bpmn:InclusiveGateway'))) {
        ours.push({ id: 'dangan-condition', label: t('Condition'), entries: [conditionEntry()] });
      }
      const timer = (b.eventDefinitions ?? []).find((d: any) => is(d, 'bpmn:TimerEventDefinition'));
      if (timer) ours.push({ id: 'dangan-timer', label: t('Timer'), entries: timerEntries(timer) });
      if (is(element, 'bpmn:ServiceTask') || is(element, 'bpmn:SendTask')) ours.push({ id: 'dangan-service', label: t('Service'), entries: [serviceEntry(this.ctx)] });
      if (is(element, 'bpmn:BusinessRuleTask')) ours.push({ id: 'dangan-decision', label: t('Decision'), entries: decisionEntries(this.ctx) });
      const [general, ...rest] = kept;
      return [general, ...ours.map((g) => ({ ...g, component: Group })), ...rest].filter(Boolean);
    };
  }
}

export const danganPropertiesModule = {
  __init__: ['danganPropertiesProvider'],
  danganPropertiesProvider: ['type', DanganPropertiesProvider],
};
