// A scan check's finding in the user's language. The server words each finding in both languages
// ("中文 / English"); a page marked failing by eye (MARKED_FAILING) carries the archivist's own words,
// which may themselves hold " / ", so it is worded here from its reason.
import { i18n, t } from '../../i18n/index.svelte.ts';

export function findingText(f: { code: string; pageNo?: number; message: string; reason?: string }): string {
  if (f.code === 'MARKED_FAILING' && f.reason !== undefined) return t('quality.marked', { n: f.pageNo ?? 0, reason: f.reason });
  return i18n.serverText(f.message);
}
