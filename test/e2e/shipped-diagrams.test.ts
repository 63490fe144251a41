// Every shipped diagram (processes/*.bpmn) opens cleanly in bpmn-js, in chromium: imported into
// the NavigatedViewer the client uses with no import warning, every flow element drawn (the
// layout is complete), and no two shapes on top of each other.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import test from 'ava';
import { processesDir } from '../../server/services.ts';
import { openBrowser, type Browsing } from './browser.ts';

const require = createRequire(import.meta.url);
const VIEWER = require.resolve('bpmn-js/dist/bpmn-navigated-viewer.production.min.js');

let b: Browsing;
test.before(async () => {
  b = await openBrowser('http://127.0.0.1');
  await b.page.setContent('<!doctype html><html><body><div id="canvas" style="width:1600px;height:1000px"></div></body></html>');
  await b.page.addScriptTag({ path: VIEWER });
});
test.after.always(async () => {
  await b?.close();
});

const files = fs.readdirSync(processesDir).filter((f) => f.endsWith('.bpmn'));

test('there are shipped diagrams', (t) => {
  t.true(files.includes('borrowing.bpmn'));
  t.true(files.includes('copy-request.bpmn'));
});

for (const file of files) {
  test.serial(`${file} imports into bpmn-js without warnings, fully laid out`, async (t) => {
    const xml = fs.readFileSync(path.join(processesDir, file), 'utf8');
    const r = await b.page.evaluate(async (source) => {
      const g = globalThis as any;
      const container = g.document.getElementById('canvas');
      container.innerHTML = '';
      const viewer = new g.BpmnJS({ container });
      const { warnings } = await viewer.importXML(source);
      const registry = viewer.get('elementRegistry');
      const shapes = registry.filter((e: any) => e.type !== 'label' && !e.waypoints && e.type !== 'bpmn:Process');
      const boxes = shapes.map((e: any) => ({ id: e.id, x: e.x, y: e.y, w: e.width, h: e.height, boundary: e.type === 'bpmn:BoundaryEvent' }));
      const overlaps: string[] = [];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const c = boxes[j];
          if (a.boundary || c.boundary) continue; // boundary events sit on their task's edge by design
          if (a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h) overlaps.push(`${a.id}/${c.id}`);
        }
      }
      const drawn = new Set(registry.getAll().map((e: any) => e.id));
      const definitions = viewer.getDefinitions();
      const proc = definitions.rootElements.find((e: any) => e.$type === 'bpmn:Process');
      const missing = (proc.flowElements ?? []).map((e: any) => e.id).filter((id: string) => !drawn.has(id));
      viewer.destroy();
      return { warnings: warnings.map((w: any) => w.message), overlaps, missing, count: shapes.length };
    }, xml);
    t.deepEqual(r.warnings, [], file);
    t.deepEqual(r.missing, [], `${file}: every element has its shape or edge`);
    t.deepEqual(r.overlaps, [], `${file}: no shapes on top of each other`);
    t.true(r.count > 5);
    t.deepEqual(b.problems, []);
  });
}
