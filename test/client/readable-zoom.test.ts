// How a wide process diagram opens in the case viewer (client/src/lib/diagram/readable-zoom.ts): at
// the readable zoom around the step the reader starts from, without empty canvas beyond the
// diagram's ends — a current step near the start used to open with the left half of the box blank
// and the rest of the process cut off on the right.
import test from 'ava';
import { EDGE_MARGIN, openReadable, READABLE_ZOOM, withinEnds } from '../../client/src/lib/diagram/readable-zoom.ts';

/** A canvas of bpmn-js as far as openReadable uses it: a box `outer` px, a diagram `inner` in diagram units. */
function fakeCanvas(outer: { width: number; height: number }, inner: { x: number; y: number; width: number; height: number }) {
  const calls: { viewbox?: { x: number; y: number; width: number; height: number }; zoom?: number } = {};
  return {
    calls,
    viewbox(box?: { x: number; y: number; width: number; height: number }) {
      if (box) calls.viewbox = box;
      return { inner, outer };
    },
    zoom(z: number) {
      calls.zoom = z;
    },
  };
}

// The correction process: one row of steps 57–2193 wide, in a 1000 × 300 px box.
const ROW = { x: 57, y: 30, width: 2136, height: 80 };
const shape = (x: number) => ({ x, y: 30, width: 100, height: 80, type: 'bpmn:UserTask' });

test('a step near the start, centred: the view starts at the diagram’s left end, not half a box before it', (t) => {
  const c = fakeCanvas({ width: 1000, height: 300 }, ROW);
  t.is(openReadable(c, 0.44, shape(325), { centre: true }), READABLE_ZOOM);
  const v = c.calls.viewbox!;
  t.is(v.x, ROW.x - EDGE_MARGIN / READABLE_ZOOM);
  t.is(v.width, 1000 / READABLE_ZOOM);
  // The step is in view.
  t.true(v.x <= 325 && 425 <= v.x + v.width);
});

test('the end a finished case reached, centred: the view ends at the diagram’s right end', (t) => {
  const c = fakeCanvas({ width: 1000, height: 300 }, ROW);
  openReadable(c, 0.44, { x: 2157, y: 52, width: 36, height: 36, type: 'bpmn:EndEvent' }, { centre: true });
  const v = c.calls.viewbox!;
  t.is(Math.round(v.x + v.width), Math.round(ROW.x + ROW.width + EDGE_MARGIN / READABLE_ZOOM));
});

test('a step in the middle stays in the middle', (t) => {
  const c = fakeCanvas({ width: 1000, height: 300 }, ROW);
  openReadable(c, 0.44, shape(1075), { centre: true });
  const v = c.calls.viewbox!;
  t.is(v.x + v.width / 2, 1125);
});

test('a diagram that fits at a readable zoom is shown whole; the modeler’s start at the left is unchanged', (t) => {
  const fits = fakeCanvas({ width: 1000, height: 300 }, { x: 57, y: 30, width: 900, height: 200 });
  t.is(openReadable(fits, 1.05, shape(325), { centre: true }), 1.05);
  t.is(fits.calls.zoom, 1.05);
  t.is(fits.calls.viewbox, undefined);
  const modeler = fakeCanvas({ width: 1000, height: 300 }, ROW);
  openReadable(modeler, 0.44, { x: 57, y: 52, width: 36, height: 36, type: 'bpmn:StartEvent' }, { left: 150 });
  t.is(modeler.calls.viewbox!.x, 57 - 150 / READABLE_ZOOM);
});

test('withinEnds centres a diagram narrower than the view', (t) => {
  t.is(withinEnds(500, 1000, { x: 100, width: 400 }, 10), -200);
});
