// Every shipped diagram (processes/*.bpmn) opens cleanly in bpmn-js's NavigatedViewer in chromium:
// no import error, no import warning, and every flow element of the process has a shape or an edge
// (the layout is there). A tiny page on 127.0.0.1 serves bpmn-js's own bundle and the XML.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { openBrowser, type Browsing } from './browser.ts';
import { processesDir, projectRoot } from '../../server/services.ts';

const VIEWER = path.join(projectRoot, 'node_modules', 'bpmn-js', 'dist', 'bpmn-navigated-viewer.production.min.js');
const files = fs.readdirSync(processesDir).filter((f) => f.endsWith('.bpmn')).sort();

let server: http.Server;
let url: string;
let b: Browsing;

test.before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><div id="canvas" style="width:1200px;height:800px"></div><script src="/viewer.js"></script>');
    } else if (req.url === '/viewer.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(fs.readFileSync(VIEWER));
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  b = await openBrowser(url);
  await b.page.goto(`${url}/`);
});
test.after.always(async () => {
  await b?.close();
  server?.closeAllConnections?.();
  await new Promise((r) => server?.close(r));
});

test.serial('the shipped processes include the transfer diagrams', (t) => {
  t.true(files.includes('transfer.bpmn'));
  t.true(files.includes('transfer-in.bpmn'));
});

for (const file of files) {
  test.serial(`${file} opens in bpmn-js without warnings, every element laid out`, async (t) => {
    const xml = fs.readFileSync(path.join(processesDir, file), 'utf8');
    const result = await b.page.evaluate(async (source: string) => {
      const w = globalThis as any;
      w.viewer?.destroy();
      w.viewer = new w.BpmnJS({ container: '#canvas' });
      const { warnings } = await w.viewer.importXML(source);
      const registry = w.viewer.get('elementRegistry');
      const shown = registry.getAll().map((e: any) => e.id);
      return { warnings: warnings.map((x: any) => String(x.message)), shown };
    }, xml);
    t.deepEqual(result.warnings, []);
    const ids = [...xml.matchAll(/<bpmn:(?!definitions|process|message\b|documentation|incoming|outgoing|conditionExpression|timerEventDefinition|messageEventDefinition|terminateEventDefinition|timeCycle|timeDuration|timeDate)\w+ id="([^"]+)"/g)].map((m) => m[1]);
    t.true(ids.length > 5);
    for (const id of ids) t.true(result.shown.includes(id), `${file}: ${id} has no shape`);
    t.deepEqual(b.problems, []);
  });
}
