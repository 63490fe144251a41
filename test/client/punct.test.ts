// Sentences the pages build around data (the transfer's facts): English gets half-width brackets,
// colons and commas, Chinese the full-width ones (client/src/lib/format/punct.ts).
import fs from 'node:fs';
import test from 'ava';
import { colon, listOf, paren, phrasesOf } from '../../client/src/lib/format/punct.ts';

test('a route with its destination reads with the brackets of the language', (t) => {
  t.is(`乌海市 → 海勃湾区${paren('zh', '调入本系统单位')}`, '乌海市 → 海勃湾区（调入本系统单位）');
  t.is(`Wuhai → Haibowan${paren('en', 'within Dangan')}`, 'Wuhai → Haibowan (within Dangan)');
});

test('couriers and a note: 、 and ： in Chinese, ", " and ": " in English', (t) => {
  t.is(listOf('zh', ['王强', '李明']), '王强、李明');
  t.is(listOf('en', ['Wang Qiang', 'Li Ming']), 'Wang Qiang, Li Ming');
  t.is(`退回${colon('zh')}缺少目录`, '退回：缺少目录');
  t.is(`Returned${colon('en')}catalogue missing`, 'Returned: catalogue missing');
  t.notRegex(paren('en', 'x') + colon('en') + listOf('en', ['a', 'b']) + phrasesOf('en', ['a', 'b']), /[（）：、，]/);
  t.is(phrasesOf('zh', ['admin', '#3']), 'admin，#3');
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
  // The reading room, the case pages around a consultation, the inbox, the process admin's and the
  // console's pages that wrote ：（） beside translated words.
  'client/src/pages/reading/ReadingListPage.svelte',
  'client/src/pages/reading/ReadingRoomPage.svelte',
  'client/src/pages/archives/ArchivePage.svelte',
  'client/src/pages/task/TaskPage.svelte',
  'client/src/pages/applications/ApplicationPage.svelte',
  'client/src/pages/copies/MakePdfDialog.svelte',
  'client/src/pages/digitisation-batches/DigitisationBatchPage.svelte',
  'client/src/pages/admin/InstancesPage.svelte',
  'client/src/pages/admin/ModelerPage.svelte',
  'client/src/pages/admin/ProposalPage.svelte',
  'client/src/pages/admin/VersionPage.svelte',
  'client/src/lib/components/admin/DiffView.svelte',
  'client/src/lib/components/admin/FormEditorDialog.svelte',
  'client/src/lib/components/case/CaseFiles.svelte',
  'client/src/lib/components/case/IntakePanel.svelte',
  'client/src/lib/components/case/ReassignDialog.svelte',
  'client/src/lib/components/case/RequestDigitisation.svelte',
  'client/src/lib/components/case/TransferPanel.svelte',
  'client/src/lib/components/console/audit/AuditEntryDialog.svelte',
  'client/src/lib/components/console/settings/fields.ts',
  'client/src/lib/components/forms/CadrePicker.svelte',
  'client/src/lib/components/forms/FormReadout.svelte',
  'client/src/lib/components/forms/MaterialPicker.svelte',
  'client/src/lib/components/inbox/InboxFilters.svelte',
  'client/src/lib/components/inbox/InboxTable.svelte',
  'client/src/lib/components/review-standards/PublishDialog.svelte',
  'client/src/lib/components/review-standards/StandardEditor.svelte',
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

test('统计分析, 库房核对, the archive, reading, case and inbox pages write no full-width punctuation of their own', (t) => {
  t.deepEqual(ownFullWidth('<p>{t(\'reports.total\')}：{n}</p>'), ["<p>{t('reports.total')}：{n}</p>"], 'the check finds the literal colon');
  t.deepEqual(ownFullWidth('<!-- 注：说明 -->\n// 注：说明\n<p>{t(\'x\')}{colon(locale)}{n}</p>'), [], 'comments and punct.ts are fine');
  for (const file of OWN_PUNCT) t.deepEqual(ownFullWidth(fs.readFileSync(file, 'utf8')), [], file);
});
