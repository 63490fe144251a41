// Sentences the pages build around data (the transfer's facts): English gets half-width brackets,
// colons and commas, Chinese the full-width ones (client/src/lib/format/punct.ts).
import fs from 'node:fs';
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

// A page that writes its own "：" beside a translated word shows it in English too ("Out：0",
// "All archives (transferred ones included)：139" on 统计分析): these pages take their punctuation
// from the dictionaries or from punct.ts, never as a literal. Comments and styles may say anything.
const OWN_PUNCT = [
  'client/src/pages/reports/ReportsPage.svelte',
  'client/src/pages/stock-checks/StockCheckPage.svelte',
  'client/src/pages/stock-checks/StockChecksPage.svelte',
  'client/src/lib/components/stock-checks/ItemsTable.svelte',
  'client/src/lib/components/stock-checks/MarkBox.svelte',
  'client/src/lib/components/stock-checks/CheckProgress.svelte',
  'client/src/lib/components/stock-checks/CloseCheckDialog.svelte',
  'client/src/lib/components/archives/DigitalPanel.svelte',
  'client/src/lib/components/archives/CatalogueTable.svelte',
  'client/src/pages/archives/ArchiveSearchPage.svelte',
];

/** The lines of a component's script and markup with a full-width mark of its own. */
function ownFullWidth(source: string): string[] {
  const code = source
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return code.split('\n').filter((line) => /[：；，（）、]/.test(line)).map((line) => line.trim());
}

test('统计分析, 库房核对 and the archive pages write no full-width punctuation of their own', (t) => {
  t.deepEqual(ownFullWidth('<p>{t(\'reports.total\')}：{n}</p>'), ["<p>{t('reports.total')}：{n}</p>"], 'the check finds the literal colon');
  t.deepEqual(ownFullWidth('<!-- 注：说明 -->\n// 注：说明\n<p>{t(\'x\')}{colon(locale)}{n}</p>'), [], 'comments and punct.ts are fine');
  for (const file of OWN_PUNCT) t.deepEqual(ownFullWidth(fs.readFileSync(file, 'utf8')), [], file);
});
