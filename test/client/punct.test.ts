// Sentences the pages build around data (the transfer's facts): English gets half-width brackets,
// colons and commas, Chinese the full-width ones (client/src/lib/format/punct.ts).
import test from 'ava';
import { colon, listOf, paren } from '../../client/src/lib/format/punct.ts';

test('a route with its destination reads with the brackets of the language', (t) => {
  t.is(`乌海市 → 海勃湾区${paren('zh', '调入本系统单位')}`, '乌海市 → 海勃湾区（调入本系统单位）');
  t.is(`Wuhai → Haibowan${paren('en', 'within Dangan')}`, 'Wuhai → Haibowan (within Dangan)');
});

test('couriers and a note: 、 and ： in Chinese, ", " and ": " in English', (t) => {
  t.is(listOf('zh', ['王强', '李明']), '王强、李明');
  t.is(listOf('en', ['Wang Qiang', 'Li Ming']), 'Wang Qiang, Li Ming');
  t.is(`退回${colon('zh')}缺少目录`, '退回：缺少目录');
  t.is(`Returned${colon('en')}catalogue missing`, 'Returned: catalogue missing');
  t.notRegex(paren('en', 'x') + colon('en') + listOf('en', ['a', 'b']), /[（）：、]/);
});
