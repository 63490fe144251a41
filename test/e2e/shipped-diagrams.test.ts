// Every shipped diagram (processes/*.bpmn) opens cleanly in bpmn-js, in chromium: imported into the
// NavigatedViewer with no import warning, every flow element drawn (the layout covers it all).
// bpmn-js is bundled for the page with esbuild (vite's own), so no server or client build is needed.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { build } from 'esbuild';
import { processesDir } from '../../server/services.ts';
import { openBrowser, type Browsing } from './browser.ts';

let b: Browsing;
test.before(async () => {
  b = await openBrowser('http://127.0.0.1:1');
});
test.after.always(async () => {
  await b?.close();
});

const ENTRY = `
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
window.importDiagram = async (xml) => {
  const container = document.createElement('div');
  container.style.width = '1200px';
  container.style.height = '800px';
  document.body.appendChild(container);
  const viewer = new NavigatedViewer({ container });
  try {
    const { warnings } = await viewer.importXML(xml);
    const registry = viewer.get('elementRegistry');
    const drawn = registry.getAll().filter((e) => e.businessObject && e.type !== 'bpmn:Process' && e.type !== 'label').map((e) => e.id);
    return { warnings: warnings.map((w) => String(w.message)), drawn };
  } catch (e) {
    return { warnings: [String(e && e.message)], drawn: [] };
  } finally {
    viewer.destroy();
    container.remove();
  }
};
`;

test('every shipped diagram imports into bpmn-js without warnings, every element drawn', async (t) => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  await b.page.setContent('<!doctype html><html><body></body></html>');
  await b.page.addScriptTag({ content: bundle.outputFiles[0].text });
  const files = fs.readdirSync(processesDir).filter((f) => f.endsWith('.bpmn'));
  t.true(files.includes('material-collection.bpmn') && files.includes('correction.bpmn') && files.includes('collection-notice.bpmn') && files.includes('digitisation-batch.bpmn'));
  for (const file of files) {
    const xml = fs.readFileSync(path.join(processesDir, file), 'utf8');
    const r = await b.page.evaluate((x) => (globalThis as any).importDiagram(x), xml);
    t.deepEqual(r.warnings, [], file);
    // Every flow element of the process has a shape or an edge.
    const ids = [...xml.matchAll(/<bpmn:(?!process|definitions|documentation|message\b|conditionExpression|timerEventDefinition|messageEventDefinition|timeDuration|timeDate|incoming|outgoing)\w+ id="([^"]+)"/g)].map((m) => m[1]);
    t.true(ids.length >= 8, `${file}: ${ids.length} elements found`);
    const missing = ids.filter((id) => !r.drawn.includes(id));
    t.deepEqual(missing, [], `${file}: not drawn`);
  }
  t.deepEqual(b.problems, []);
  // The check can fail: a diagram without the shape of one task is caught.
  const xml = fs.readFileSync(path.join(processesDir, 'correction.bpmn'), 'utf8').replace(/<bpmndi:BPMNShape id="investigate_di"[\s\S]*?<\/bpmndi:BPMNShape>/, '');
  const broken = await b.page.evaluate((x) => (globalThis as any).importDiagram(x), xml);
  t.false(broken.drawn.includes('investigate'));
  t.true(broken.warnings.length > 0);
});
