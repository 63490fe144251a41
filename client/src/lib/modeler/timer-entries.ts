// The timer of an event in the properties panel: its kind (duration, date, cycle) and its value,
// ISO 8601 or FEEL. Bounds are the deploy-time check's (cycles at least an hour apart, bounded).
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import type { Entry, Translate } from './properties.ts';

const TIMER_TYPES = [
  { value: 'timeDuration', label: 'Duration' },
  { value: 'timeDate', label: 'Date' },
  { value: 'timeCycle', label: 'Cycle' },
];

export function timerEntries(definition: any): Entry[] {
  const kind = () => TIMER_TYPES.find((t) => definition.get(t.value))?.value ?? '';
  const setKind = (element: any, commandStack: any, bpmnFactory: any, next: string, body?: string) => {
    const props: Record<string, unknown> = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    if (next) props[next] = bpmnFactory.create('bpmn:FormalExpression', { body: body ?? '' });
    commandStack.execute('element.updateModdleProperties', { element, moddleElement: definition, properties: props });
  };
  return [
    {
      id: 'dangan-timerType',
      component: function TimerType(props: { element: any }) {
        const translate = useService('translate') as Translate;
        const commandStack = useService('commandStack');
        const bpmnFactory = useService('bpmnFactory');
        return SelectEntry({
          element: props.element,
          id: 'dangan-timerType',
          label: translate('Timer type'),
          getValue: kind,
          setValue: (v: string) => setKind(props.element, commandStack, bpmnFactory, v, definition.get(kind())?.get('body')),
          getOptions: () => [{ value: '', label: translate('<none>') }, ...TIMER_TYPES.map((t) => ({ value: t.value, label: translate(t.label) }))],
        });
      },
      isEdited: isSelectEntryEdited,
    },
    {
      id: 'dangan-timerValue',
      component: function TimerValue(props: { element: any }) {
        const translate = useService('translate') as Translate;
        const commandStack = useService('commandStack') as any;
        const bpmnFactory = useService('bpmnFactory');
        const debounce = useService('debounceInput');
        return TextFieldEntry({
          element: props.element,
          id: 'dangan-timerValue',
          label: translate('Timer value'),
          description: translate('Duration PT2H or P3D; date 2026-12-01T09:00:00+08:00; cycle R3/P1D (at least an hour apart, bounded); or FEEL, e.g. ="P" + string(params.maxLoanDays) + "D"'),
          debounce,
          getValue: () => definition.get(kind())?.get('body') ?? '',
          setValue: (v: string) => {
            const k = kind() || 'timeDuration';
            const expr = definition.get(k);
            if (!expr) setKind(props.element, commandStack, bpmnFactory, k, v);
            else commandStack.execute('element.updateModdleProperties', { element: props.element, moddleElement: expr, properties: { body: v } });
          },
        });
      },
      isEdited: isTextFieldEntryEdited,
    },
  ];
}

