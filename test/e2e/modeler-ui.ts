// What the process administrator does with the mouse in the bpmn-js modeler, for the browser tests.
import type { Page } from 'playwright-core';

/**
 * Selects a shape by its label. Right after a label edit the first click on the canvas may only
 * end the edit; the administrator clicks again, and so does this.
 */
export async function selectShape(p: Page, name: string): Promise<void> {
  const shape = p.locator('.djs-shape', { hasText: name });
  for (let i = 0; i < 3; i++) {
    await shape.click();
    if (await p.locator('.djs-context-pad.open').waitFor({ timeout: 1000 }).then(() => true, () => false)) return;
  }
  throw new Error(`could not select ${name}`);
}

