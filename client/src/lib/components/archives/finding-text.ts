// A scan check's finding in the user's language. The server words each finding in both languages
// ("中文 / English"); a page marked failing by eye (MARKED_FAILING) carries the archivist's own words,
// which may themselves hold " / ", so it is worded here from its reason. Its kind (LOW_DPI …) reads
// as words too (digital.problems, as the digitisation history words the codes), never as the code.
import { i18n, t } from '../../i18n/index.svelte.ts';

export function findingText(f: { code: string; pageNo?: number; message: string; reason?: string }): string {
  if (f.code === 'MARKED_FAILING' && f.reason !== undefined) return t('quality.marked', { n: f.pageNo ?? 0, reason: f.reason });
  return i18n.serverText(f.message);
}

/** What kind of finding it is, in words ('分辨率过低' for LOW_DPI); a code this client does not know yet as it is. */
export function findingKind(code: string): string {
  return i18n.has(`digital.problems.${code}`) ? i18n.tx(`digital.problems.${code}`) : code;
}

type Finding = { code: string; pageNo?: number; message: string; reason?: string };

/**
 * The findings as a list shows them: the missing pages on one line (缺第 1、2、3 页: an unscanned
 * material misses them all), every other finding on its own, each with its code and its words.
 */
export function findingLines(findings: Finding[]): Array<{ code: string; text: string }> {
  const missing = findings.filter((f) => f.code === 'PAGE_MISSING' && f.pageNo !== undefined).map((f) => f.pageNo!);
  const rest = findings.filter((f) => !(f.code === 'PAGE_MISSING' && f.pageNo !== undefined)).map((f) => ({ code: f.code, text: findingText(f) }));
  if (missing.length) rest.push({ code: 'PAGE_MISSING', text: t('digital.missingPages', { pages: missing.sort((a, b) => a - b).join(t('digital.pageSep')) }) });
  return rest;
}
