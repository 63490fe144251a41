// The modeler's 更改类型 menu lists bpmn-js's replace options by their English labels: every one of
// them has a Chinese name (an untranslated "Escalation intermediate throw event" in a Chinese menu
// was an explorer's finding), and English stays English.
import { register } from 'node:module';
import test from 'ava';
import { translator } from '../../client/src/lib/modeler/translate.ts';

// bpmn-js ships bundler-style modules (`from '../popup-menu/PopupEntries'`, no extension), which
// Node's own resolver refuses; npm test runs compiled, without tsx's lenient one. A resolve hook
// for this file's import adds the extension a bundler would.
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function resolve(s, c, next) { try { return await next(s, c); } catch (e) { if (s.startsWith('.') && !/\\.[cm]?js$/.test(s)) return next(s + '.js', c); throw e; } }",
  )}`,
);
const options: Record<string, unknown> = await import('bpmn-js/lib/features/replace/ReplaceOptions.js');

const labels = [
  ...new Set(
    Object.values(options)
      .filter(Array.isArray)
      .flat()
      .map((o: any) => o?.label)
      .filter((l): l is string => typeof l === 'string'),
  ),
];

test('every entry of the 更改类型 menu has a Chinese name', (t) => {
  t.true(labels.length > 50);
  const zh = translator(() => 'zh');
  const untranslated = labels.filter((l) => zh(l) === l || /[A-Za-z]/.test(zh(l)));
  t.deepEqual(untranslated, []);
  t.is(zh('Link intermediate catch event'), '链接捕获事件');
  t.is(translator(() => 'en')('Link intermediate catch event'), 'Link intermediate catch event');
});
