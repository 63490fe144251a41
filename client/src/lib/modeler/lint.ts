// The modeler's live check on the canvas: the diagram as it would be deployed (saved to XML and
// parsed again by the modeler's own moddle, with the camunda descriptor), checked by
// live-check.ts — the deploy's lint and, once it passes, the forms the version would carry.
// Findings are shown on the canvas: a marker on the element and a badge with the count, the
// messages in its title; the page lists them too.
import { parseMessage } from '../../../../server/engine/lint/linter.ts';
import type { DanganLintContext } from '../../../../server/engine/lint/rules.ts';
import { CHECK_MEASURE, checkParsed, measure, type CarriedForms, type CheckResult, type Finding } from './live-check.ts';

export type { CarriedForms, CheckResult, Finding };

export async function checkDiagram(modeler: any, ctx: DanganLintContext, forms?: CarriedForms): Promise<CheckResult> {
  const started = performance.now();
  const { xml } = await modeler.saveXML({ format: false });
  let parsed: { rootElement: any; warnings: Array<{ message: string }> };
  try {
    parsed = await modeler.get('moddle').fromXML(xml, 'bpmn:Definitions');
  } catch (e) {
    return { errors: [{ rule: 'parse', message: parseMessage((e as Error).message), category: 'error' }], warnings: [] };
  }
  const r = await checkParsed(parsed, ctx, forms);
  measure(CHECK_MEASURE, started);
  return r;
}

/** Markers and badges on the canvas for a check's findings. */
export class LintOverlays {
  private marked: Array<{ id: string; cls: string }> = [];

  constructor(private readonly modeler: any) {}

  clear(): void {
    const canvas = this.modeler.get('canvas');
    const registry = this.modeler.get('elementRegistry');
    // An element marked by the last check may have been deleted since.
    for (const m of this.marked) if (registry.get(m.id)) canvas.removeMarker(m.id, m.cls);
    this.marked = [];
    this.modeler.get('overlays').remove({ type: 'dangan-lint' });
  }

  show(result: CheckResult, describe: (f: Finding) => string, onClick: (id: string) => void): void {
    this.clear();
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    const byElement = new Map<string, Finding[]>();
    for (const f of [...result.errors, ...result.warnings]) {
      if (!f.elementId || !registry.get(f.elementId) || registry.get(f.elementId) === canvas.getRootElement()) continue;
      byElement.set(f.elementId, [...(byElement.get(f.elementId) ?? []), f]);
    }
    for (const [id, list] of byElement) {
      const error = list.some((f) => f.category === 'error');
      const cls = error ? 'dg-lint-error' : 'dg-lint-warn';
      canvas.addMarker(id, cls);
      this.marked.push({ id, cls });
      // Built with textContent: messages may quote names from the diagram, which is untrusted.
      const badge = document.createElement('button');
      badge.type = 'button';
      badge.className = `dg-lint-badge ${cls}`;
      badge.dataset.elementId = id;
      badge.textContent = String(list.length);
      badge.title = list.map(describe).join('\n');
      badge.setAttribute('aria-label', badge.title);
      badge.addEventListener('click', (e) => {
        e.stopPropagation();
        onClick(id);
      });
      overlays.add(id, 'dangan-lint', { position: { top: -12, right: 12 }, html: badge });
    }
  }
}
