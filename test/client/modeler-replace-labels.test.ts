// The modeler's 更改类型 menu lists bpmn-js's replace options by their English labels: every one of
// them has a Chinese name (an untranslated "Escalation intermediate throw event" in a Chinese menu
// was an explorer's finding), and English stays English.
import test from 'ava';
import * as options from 'bpmn-js/lib/features/replace/ReplaceOptions.js';
import { translator } from '../../client/src/lib/modeler/translate.ts';

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
