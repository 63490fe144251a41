// Validation problems as sentences for the fields they belong to.
import { i18n } from '../i18n/index.svelte.ts';
import type { Problem } from './validate.ts';

export function problemTexts(problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const text = i18n.tx(`form.${p.code}`, { n: p.n ?? '', type: p.type ?? '' });
    out[p.field] = out[p.field] ? `${out[p.field]}${i18n.t('app.listSep')}${text}` : text;
  }
  return out;
}
