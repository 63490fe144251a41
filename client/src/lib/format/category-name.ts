// A catalogue category's name in the user's language: the ten categories and their sub-categories
// (DOMAIN.md §2.1) have English names by code; a name an office gave a category itself (a renamed
// or added row of catalog_categories) is shown as it is, in either language.
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';

type Locale = 'zh' | 'en';

export function categoryName(locale: Locale, c: { code: string; name: string }): string {
  if (locale === 'zh') return c.name;
  const standard = (zh.archive.categories as Record<string, string>)[c.code];
  return standard === c.name ? ((en.archive.categories as Record<string, string>)[c.code] ?? c.name) : c.name;
}
