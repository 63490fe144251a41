// The bpmn-js NavigatedViewer with a case's done and active steps marked. Imported dynamically
// by DiagramView only, so bpmn-js (~430 kB gz) never weighs on pages without a diagram.
// The process administrator's pages add badges (cases waiting and incidents per element), extra
// markers (a diff's added/removed/changed elements) and clicks on elements.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './markers.css';
import { fittedZoom, openReadable, startOf } from './readable-zoom.ts';

export interface ShownDiagram {
  zoom(step: number): void;
  fit(): void;
  /** Whether part of the diagram is out of view now (a large one opens at a readable zoom). */
  partial(): boolean;
  /** Called with partial() whenever the view moves or zooms. */
  onView(fn: (partial: boolean) => void): void;
  destroy(): void;
}

export interface Badge {
  id: string;
  /** Cases waiting at the element. */
  active: number;
  incidents: number;
  /** Accessible text of the badge. */
  label: string;
}

export interface DiagramExtras {
  badges?: Badge[];
  /** Element id → marker class (dg-added, dg-removed, dg-changed, dg-incident). */
  marks?: Record<string, string>;
  /** Called with the element's id when its badge is clicked. */
  onBadge?: (id: string) => void;
}

function addBadges(viewer: any, extras: DiagramExtras): void {
  const overlays = viewer.get('overlays') as any;
  const registry = viewer.get('elementRegistry') as any;
  for (const b of extras.badges ?? []) {
    if (!registry.get(b.id) || (!b.active && !b.incidents)) continue;
    // Built with textContent: element names come from the diagram, which is untrusted.
    const el = document.createElement(extras.onBadge ? 'button' : 'span');
    el.className = 'dg-count';
    el.dataset.elementId = b.id;
    el.setAttribute('aria-label', b.label);
    el.title = b.label;
    if (b.active) {
      const a = document.createElement('span');
      a.className = 'dg-count-active';
      a.textContent = String(b.active);
      el.append(a);
    }
    if (b.incidents) {
      const i = document.createElement('span');
      i.className = 'dg-count-incident';
      i.textContent = `⚠ ${b.incidents}`;
      el.append(i);
    }
    if (extras.onBadge) el.addEventListener('click', () => extras.onBadge!(b.id));
    // Above the top-right corner: clear of the label below an event and of timers on a task's border.
    const small = registry.get(b.id).width < 60;
    overlays.add(b.id, 'dangan-count', { position: small ? { top: -16, right: 6 } : { top: -14, right: 18 }, html: el });
  }
}

export async function showDiagram(container: HTMLElement, xml: string, done: string[], active: string[], extras: DiagramExtras = {}): Promise<ShownDiagram> {
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas') as any;
  const registry = viewer.get('elementRegistry') as any;
  const doneSet = new Set(done);
  const activeSet = new Set(active);
  for (const id of doneSet) if (registry.get(id)) canvas.addMarker(id, 'dg-done');
  for (const id of activeSet) if (registry.get(id)) canvas.addMarker(id, 'dg-active');
  // A flow was taken when its source is done and its target done or waiting.
  for (const el of registry.filter((e: any) => e.type === 'bpmn:SequenceFlow')) {
    const s = el.source?.id;
    const t = el.target?.id;
    if (doneSet.has(s) && (doneSet.has(t) || activeSet.has(t))) canvas.addMarker(el.id, 'dg-taken');
  }
  // A diff marks the process itself when its name, documentation or starters changed: the process
  // is the canvas's root, not a shape — a marker on it would colour every element, and as a focus
  // it has no x or y (the view became NaN and the page said 流程图加载失败). The change list says it.
  const root = canvas.getRootElement();
  for (const [id, cls] of Object.entries(extras.marks ?? {})) if (registry.get(id) && registry.get(id) !== root) canvas.addMarker(id, cls);
  addBadges(viewer, extras);
  // Fit with a margin, once the container has its final size; a small diagram is enlarged up to
  // 1.5× ('fit-viewport' alone never zooms in). A large one opens at a readable zoom instead,
  // around what the reader looks at first (readable-zoom.ts).
  const fit = () => {
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
    canvas.zoom(Math.min(fittedZoom(canvas, 0.94), 1.5), 'auto');
  };
  // Where the reader looks first: the case's current step, else an element with cases waiting or
  // an incident, else a changed element of a diff; the leftmost of them. A case that has ended: the
  // end it reached (else the last step it did). Else the start.
  const shapesOf = (ids: string[]) =>
    ids
      .map((id) => registry.get(id))
      .filter((e: any) => e && e !== root && !e.waypoints && Number.isFinite(e.x) && Number.isFinite(e.y))
      .sort((a: any, b: any) => a.x - b.x);
  const leftmost = (ids: string[]) => shapesOf(ids)[0];
  const ended = () => {
    if (active.length) return undefined;
    const reached = shapesOf(done);
    return reached.filter((e: any) => e.type === 'bpmn:EndEvent').pop() ?? reached.pop();
  };
  const point =
    leftmost(active) ??
    leftmost((extras.badges ?? []).filter((b) => b.active || b.incidents).map((b) => b.id)) ??
    leftmost(Object.keys(extras.marks ?? {})) ??
    ended();
  const open = () => {
    fit();
    openReadable(canvas, canvas.zoom(), point ?? startOf(canvas, registry), { left: 40, centre: !!point });
  };
  open();
  requestAnimationFrame(open);
  // Part of the diagram beyond the visible box (a pixel's tolerance): the page says so.
  const partial = () => {
    const vb = canvas.viewbox();
    const { inner } = vb;
    const slack = 1 / (vb.scale || 1);
    return inner.x < vb.x - slack || inner.y < vb.y - slack || inner.x + inner.width > vb.x + vb.width + slack || inner.y + inner.height > vb.y + vb.height + slack;
  };
  return {
    zoom(step) {
      canvas.zoom(Math.min(4, Math.max(0.1, canvas.zoom() * (step > 0 ? 1.25 : 0.8))));
    },
    fit,
    partial,
    onView(fn) {
      viewer.on('canvas.viewbox.changed', () => fn(partial()));
    },
    destroy() {
      viewer.destroy();
    },
  };
}
