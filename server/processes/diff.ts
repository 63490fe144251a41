// What changed between two versions of a process: the moddle trees compared element by element
// (by id), on the type, the name and the attributes the engine reads — who does a step, its form
// and deadline, conditions, timers, the service a task calls. Layout-only changes are not changes.
// The forms the versions carry are compared too.
import { parseBpmn } from '../engine/moddle.ts';
import type { FormComponent, FormSchema } from '../../shared/forms.ts';

export interface ElementRef {
  id: string;
  type: string;
  name: string | null;
}
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}
export interface FormChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  fieldsAdded: string[];
  fieldsRemoved: string[];
}
export interface VersionDiff {
  added: ElementRef[];
  removed: ElementRef[];
  changed: Array<ElementRef & { changes: FieldChange[] }>;
  forms: FormChange[];
}

type Fields = Record<string, string | null>;

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

function eventDefinitions(el: any): Fields {
  const out: Fields = {};
  for (const d of el.eventDefinitions ?? []) {
    const kind = String(d.$type).replace(/^bpmn:/, '').replace(/EventDefinition$/, '');
    out[`event.${kind}`] = 'yes';
    for (const t of ['timeDate', 'timeDuration', 'timeCycle']) if (d[t]) out[`timer.${t}`] = text(d[t].body);
    if (d.messageRef) out['message'] = text(d.messageRef.name ?? d.messageRef.id);
  }
  return out;
}

/** Fields that name another element: compared by id, shown as "名称（id）". */
const REFERENCES = new Set(['source', 'target', 'attachedTo']);

/** The fields of one element that matter to how a case runs (or to what people read). */
function fieldsOf(el: any, parent: any): Fields {
  const f: Fields = { type: el.$type, name: text(el.name) };
  const doc = (el.documentation ?? []).map((d: any) => d.text).join('\n');
  if (doc) f.documentation = doc;
  for (const attr of ['assignee', 'candidateGroups', 'formKey', 'dueDate', 'implementation', 'decisionRef', 'resultVariable', 'candidateStarterGroups']) {
    if (text(el[attr]) !== null) f[attr] = text(el[attr]);
  }
  if (el.$type === 'bpmn:Process') f.isExecutable = el.isExecutable ? 'true' : 'false';
  if (el.$type === 'bpmn:SequenceFlow') {
    f.source = text(el.sourceRef?.id);
    f.target = text(el.targetRef?.id);
    f.condition = text(el.conditionExpression?.body);
    f.default = parent?.default === el || el.sourceRef?.default === el ? 'true' : null;
  }
  if (el.$type === 'bpmn:BoundaryEvent') {
    f.attachedTo = text(el.attachedToRef?.id);
    f.cancelActivity = el.cancelActivity === false ? 'false' : 'true';
  }
  return { ...f, ...eventDefinitions(el) };
}

async function elementsOf(xml: string): Promise<Map<string, Fields>> {
  const { rootElement } = await parseBpmn(xml);
  const out = new Map<string, Fields>();
  const walk = (container: any) => {
    for (const el of container.flowElements ?? []) {
      out.set(el.id, fieldsOf(el, container));
      if (el.flowElements) walk(el);
    }
  };
  for (const root of rootElement.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process') continue;
    out.set(root.id, fieldsOf(root, null));
    walk(root);
  }
  return out;
}

const ref = (id: string, f: Fields): ElementRef => ({ id, type: f.type ?? '', name: f.name ?? null });

function formFields(components: FormComponent[] = [], out = new Set<string>()): Set<string> {
  for (const c of components) {
    if (c.key) out.add(c.key);
    if (c.path) out.add(c.path);
    if (c.components) formFields(c.components, out);
  }
  return out;
}

export function diffForms(a: Record<string, FormSchema>, b: Record<string, FormSchema>): FormChange[] {
  const out: FormChange[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const before = a[key];
    const after = b[key];
    if (before && after && JSON.stringify(before) === JSON.stringify(after)) continue;
    const fa = formFields(before?.components);
    const fb = formFields(after?.components);
    out.push({
      key,
      change: !before ? 'added' : !after ? 'removed' : 'changed',
      fieldsAdded: [...fb].filter((k) => !fa.has(k)),
      fieldsRemoved: [...fa].filter((k) => !fb.has(k)),
    });
  }
  return out;
}

export async function diffVersions(
  from: { xml: string; forms: Record<string, FormSchema> },
  to: { xml: string; forms: Record<string, FormSchema> },
): Promise<VersionDiff> {
  const [a, b] = await Promise.all([elementsOf(from.xml), elementsOf(to.xml)]);
  const added: ElementRef[] = [];
  const removed: ElementRef[] = [];
  const changed: VersionDiff['changed'] = [];
  for (const [id, f] of b) if (!a.has(id)) added.push(ref(id, f));
  for (const [id, f] of a) {
    const g = b.get(id);
    if (!g) {
      removed.push(ref(id, f));
      continue;
    }
    const changes: FieldChange[] = [];
    const named = (elements: Map<string, Fields>, id: string | null) => {
      const name = id ? elements.get(id)?.name : null;
      return name ? `${name.replace(/\s+/g, ' ')}（${id}）` : id;
    };
    for (const field of new Set([...Object.keys(f), ...Object.keys(g)])) {
      const x = f[field] ?? null;
      const y = g[field] ?? null;
      if (x === y) continue;
      changes.push(REFERENCES.has(field) ? { field, from: named(a, x), to: named(b, y) } : { field, from: x, to: y });
    }
    if (changes.length) changed.push({ ...ref(id, g), changes });
  }
  return { added, removed, changed, forms: diffForms(from.forms, to.forms) };
}
