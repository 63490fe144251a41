// The process modeler: bpmn-js Modeler with the camunda descriptor and behaviours, a properties
// panel restricted to what the engine reads (properties.ts), Chinese labels (translate.ts) that
// follow the language switch (relabel), the live check (lint.ts) after every change of the diagram
// or of a form (the page calls check() when a form is applied), and a large
// diagram opened at a readable zoom (../diagram/readable-zoom.ts). Imported dynamically by the
// modeler page only: bpmn-js and the panel never weigh on other pages.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './modeler.css';
import { danganPropertiesModule } from './properties.ts';
import { translateModule, type Locale } from './translate.ts';
import { contextModule, type ModelerContext } from './context.ts';
import { checkDiagram, LintOverlays, type CheckResult, type Finding } from './lint.ts';
import { fittedZoom, openReadable, READABLE_ZOOM, startOf } from '../diagram/readable-zoom.ts';

/** Screen pixels left of the start event when a large diagram opens: the palette is there. */
const PALETTE_CLEARANCE = 150;

export type { CheckResult, Finding };

export interface OpenModeler {
  saveXML(): Promise<string>;
  /** Runs the check now (it also runs by itself after each change). */
  check(): Promise<CheckResult>;
  select(elementId: string): void;
  /** The business object of the selected element, or null. */
  selected(): { id: string; type: string; formKey?: string } | null;
  /** Sets camunda:formKey on an element (after a new form was created). */
  setFormKey(elementId: string, key: string): void;
  fit(): void;
  /** One step in (1) or out (-1). */
  zoom(step: number): void;
  /** Redraws the labels bpmn-js drew in the language now chosen. */
  relabel(): void;
  destroy(): void;
  readonly modeler: any;
}

export async function openModeler(opts: {
  container: HTMLElement;
  panel: HTMLElement;
  xml: string;
  ctx: ModelerContext;
  locale: () => Locale;
  describe: (f: Finding) => string;
  onCheck: (r: CheckResult) => void;
  onChange: () => void;
  onSelect: (el: { id: string; type: string; formKey?: string } | null) => void;
  /** The canvas's zoom, whenever it changes (1 = 100 %). */
  onZoom?: (scale: number) => void;
}): Promise<OpenModeler> {
  const modeler: any = new Modeler({
    container: opts.container,
    propertiesPanel: { parent: opts.panel },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaBehaviorsModule,
      danganPropertiesModule,
      translateModule(opts.locale),
      contextModule(opts.ctx),
    ],
    moddleExtensions: { camunda: camundaModdle },
  });
  await modeler.importXML(opts.xml);
  const canvas = modeler.get('canvas');
  const overlays = new LintOverlays(modeler);
  const selectionOf = (el: any) => (el ? { id: el.id, type: el.type, formKey: el.businessObject?.get?.('camunda:formKey') } : null);

  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The last check's findings, shown again in the other language when the administrator switches. */
  let last: CheckResult | null = null;
  let running: Promise<CheckResult> | null = null;
  const select = (id: string) => {
    const el = modeler.get('elementRegistry').get(id);
    if (!el) return;
    modeler.get('selection').select(el);
    canvas.scrollToElement?.(el);
  };
  /** Checks started: a check that waited for a form the installation had to send must not show over a later one. */
  let turns = 0;
  const check = async (): Promise<CheckResult> => {
    const turn = ++turns;
    const r = await checkDiagram(modeler, opts.ctx.lintContext(), (keys) => opts.ctx.carriedForms(keys));
    if (turn !== turns) return r;
    overlays.show(r, opts.describe, select);
    last = r;
    opts.onCheck(r);
    return r;
  };
  modeler.on('commandStack.changed', () => {
    opts.onChange();
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      running = check();
      // A failed check must not leave the page "checking" for ever: report it as an error.
      running.catch((e) => opts.onCheck({ errors: [{ rule: 'parse', message: String(e?.message ?? e), category: 'error' }], warnings: [] }));
    }, 250);
  });
  // Listeners return nothing: a diagram-js listener that returns a value stops the event.
  modeler.on('selection.changed', (e: any) => {
    opts.onSelect(selectionOf(e.newSelection?.length === 1 ? e.newSelection[0] : null));
  });
  modeler.on('element.changed', (e: any) => {
    const sel = modeler.get('selection').get();
    if (sel.length === 1 && sel[0] === e.element) opts.onSelect(selectionOf(e.element));
  });

  modeler.on('canvas.viewbox.changed', (e: any) => {
    opts.onZoom?.(e.viewbox.scale);
  });

  // Fit with a margin, and clear of the palette on the left (适应窗口). A diagram too large to read
  // fitted opens at a readable zoom at its start event instead (readable-zoom.ts); again once the
  // page has its layout.
  const fit = () => {
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
    canvas.zoom(canvas.zoom() * 0.88, 'auto');
    canvas.scroll({ dx: 40, dy: 0 });
  };
  const open = () => {
    if (fittedZoom(canvas, 0.88) >= READABLE_ZOOM) fit();
    else openReadable(canvas, 0, startOf(canvas, modeler.get('elementRegistry')), { left: PALETTE_CLEARANCE });
  };
  open();
  requestAnimationFrame(open);
  running = check();
  await running;

  return {
    modeler,
    async saveXML() {
      // Not edited (only forms changed): the very bytes that were loaded, so the deployed diagram
      // keeps its sha256 and the version diff shows no change.
      if (!modeler.get('commandStack').canUndo()) return opts.xml;
      return (await modeler.saveXML({ format: true })).xml;
    },
    async check() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (running) await running;
      running = check();
      return running;
    },
    select,
    selected() {
      const sel = modeler.get('selection').get();
      return sel.length === 1 ? selectionOf(sel[0]) : null;
    },
    setFormKey(elementId, key) {
      const el = modeler.get('elementRegistry').get(elementId);
      if (el) modeler.get('modeling').updateProperties(el, { 'camunda:formKey': key });
    },
    fit,
    zoom(step) {
      canvas.zoom(Math.min(4, Math.max(0.1, canvas.zoom() * (step > 0 ? 1.25 : 0.8))));
    },
    relabel() {
      // bpmn-js asks `translate` when it draws: redraw what is on screen in the new language —
      // the palette (diagram-js listens to i18n.changed), the properties panel (it re-renders on
      // providersChanged, keeping the selection and whatever is typed), an open context pad and
      // the findings' badges. The diagram, its undo stack and the selection are untouched.
      const bus = modeler.get('eventBus');
      bus.fire('i18n.changed');
      bus.fire('propertiesPanel.providersChanged');
      const pad = modeler.get('contextPad');
      const sel = modeler.get('selection').get();
      if (pad.isOpen() && sel.length) pad.open(sel.length === 1 ? sel[0] : sel, true);
      modeler.get('popupMenu').close();
      if (last) overlays.show(last, opts.describe, select);
    },
    destroy() {
      if (timer) clearTimeout(timer);
      modeler.destroy();
    },
  };
}
