// The bpmn-js NavigatedViewer with a case's done and active steps marked. Imported dynamically
// by DiagramView only, so bpmn-js (~430 kB gz) never weighs on pages without a diagram.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './markers.css';

export interface ShownDiagram {
  zoom(step: number): void;
  fit(): void;
  destroy(): void;
}

export async function showDiagram(container: HTMLElement, xml: string, done: string[], active: string[]): Promise<ShownDiagram> {
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
  // Fit with a margin, once the container has its final size.
  const fit = () => {
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
    canvas.zoom(canvas.zoom() * 0.94, 'auto');
  };
  fit();
  requestAnimationFrame(fit);
  return {
    zoom(step) {
      canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * (step > 0 ? 1.25 : 0.8))));
    },
    fit,
    destroy() {
      viewer.destroy();
    },
  };
}
