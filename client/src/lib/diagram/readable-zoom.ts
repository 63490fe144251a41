// How a diagram opens: fitted to its box when that leaves it readable, else at a readable zoom
// around the element the reader starts from. A 50-step process fitted into a 1000 px canvas comes
// out at ~0.15, where a step's 12 px label is 2 px tall; the zoom buttons and 适应窗口 still show
// the whole of it on request. Shared by the read-only viewer and the modeler.

/**
 * The smallest zoom a diagram opens at: a label of bpmn-js's 12 px is then 9 px tall, the least
 * that reads as Chinese characters on an office screen.
 */
export const READABLE_ZOOM = 0.75;

interface Shape {
  x: number;
  y: number;
  width: number;
  height: number;
  type: string;
  parent?: unknown;
  waypoints?: unknown;
}

/** Where a reader starts: the top level's plain start event (else any start event, else the leftmost shape). */
export function startOf(canvas: any, registry: any): Shape | null {
  const root = canvas.getRootElement();
  const shapes: Shape[] = registry.filter((e: Shape) => !e.waypoints && e.type !== 'label' && e !== root && e.width !== undefined);
  const byX = (a: Shape, b: Shape) => a.x - b.x;
  const starts = shapes.filter((e) => e.type === 'bpmn:StartEvent').sort(byX);
  const top = starts.filter((e) => e.parent === root || (e.parent as Shape | undefined)?.type === 'bpmn:Participant');
  return top[0] ?? starts[0] ?? shapes.sort(byX)[0] ?? null;
}

/** Screen pixels kept clear beyond the diagram's left and right ends when a view is centred. */
export const EDGE_MARGIN = 24;

/**
 * Opens the view: `fitted` (the zoom that shows the whole diagram with the caller's margin) when it
 * is at least READABLE_ZOOM, else READABLE_ZOOM with `focus` at the left edge (`left` screen pixels
 * clear of it, for the modeler's palette) or in the middle, and at mid-height as far as the whole
 * height of the diagram stays in view. A centred focus near either end of the diagram does not pull
 * empty canvas into view: the view stops EDGE_MARGIN short of the diagram's ends, so as much of
 * the diagram shows as fits (a step near the start no longer opens with the left half blank).
 * Returns the zoom it opened at.
 */
export function openReadable(canvas: any, fitted: number, focus: Shape | null, opts: { left?: number; centre?: boolean } = {}): number {
  const { inner, outer } = canvas.viewbox();
  if (fitted >= READABLE_ZOOM || !focus || !outer.width || !outer.height) {
    canvas.zoom(fitted, 'auto');
    return fitted;
  }
  const s = READABLE_ZOOM;
  const width = outer.width / s;
  const height = outer.height / s;
  const x = opts.centre ? withinEnds(focus.x + focus.width / 2 - width / 2, width, inner, EDGE_MARGIN / s) : focus.x - (opts.left ?? 40) / s;
  // The focus at mid-height, moved no further than keeps a diagram that is not too tall all in view.
  const centred = focus.y + focus.height / 2 - height / 2;
  const y = inner.height <= height ? Math.min(inner.y, Math.max(inner.y + inner.height - height, centred)) : centred;
  canvas.viewbox({ x, y, width, height });
  return s;
}

/** The zoom at which the whole diagram fills the box, times `margin`. */
export function fittedZoom(canvas: any, margin: number): number {
  canvas.resized();
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return 1;
  return Math.min(outer.width / inner.width, outer.height / inner.height) * margin;
}

/** The left end of a view `width` wide, moved as little as keeps it within the diagram's ends (plus `pad`). */
export function withinEnds(x: number, width: number, inner: { x: number; width: number }, pad: number): number {
  const lo = inner.x - pad;
  const hi = inner.x + inner.width + pad - width;
  if (hi <= lo) return inner.x + inner.width / 2 - width / 2;
  return Math.min(hi, Math.max(lo, x));
}
