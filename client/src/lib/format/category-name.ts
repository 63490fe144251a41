// A catalogue category's name in the user's language: the ten categories and their sub-categories
// (DOMAIN.md §2.1) have English names by code; a name an office gave a category itself (a renamed
// or added row of catalog_categories) is shown as it is, in either language. And how a category is
// numbered: 一 … 十 as the printed catalogue does in Chinese, the code (1 … 10, 4-1) in English and
// for a sub-category.
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';

type Locale = 'zh' | 'en';

const ZH = zh.archive.categories as Record<string, string>;
const EN = en.archive.categories as Record<string, string>;
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function categoryName(locale: Locale, c: { code: string; name: string }): string {
  if (locale === 'zh') return c.name;
  return ZH[c.code] === c.name ? (EN[c.code] ?? c.name) : c.name;
}

/** 一 … 十 in Chinese for one of the ten categories; its code otherwise (4-1, and 1 … 10 in English). */
export function categoryNumber(locale: Locale, code: string): string {
  return locale === 'zh' && /^\d+$/.test(code) ? (NUMERALS[Number(code) - 1] ?? code) : code;
}

/** "一、履历材料" in Chinese (the server's numeral), "1 Curriculum vitae materials" in English, as a list of categories prints a row. */
export function categoryLine(locale: Locale, c: { code: string; numeral: string; name: string }): string {
  return locale === 'zh' ? `${c.numeral}、${c.name}` : `${c.code} ${categoryName(locale, c)}`;
}

/** A category known by its code only (a grant's list): the standard name in English ("1 Curriculum vitae materials"), 一 … 十 in Chinese. */
export function categoryOfCode(locale: Locale, code: string): string {
  return locale === 'zh' ? categoryNumber(locale, code) : EN[code] ? `${code} ${EN[code]}` : code;
}

/**
 * A form's option for a category (the value its code, the label numbered as the code: "一、履历材料",
 * "4-1 学历学位材料") in the user's language: in English the code and the standard English name,
 * whatever the form's Chinese words; any other option as the form wrote it.
 */
export function categoryOption(locale: Locale, o: { value: string; label: string }): string {
  if (locale === 'zh' || !EN[o.value]) return o.label;
  const numbered = o.label.startsWith(`${categoryNumber('zh', o.value)}、`) || o.label.startsWith(`${o.value} `);
  return numbered ? `${o.value} ${EN[o.value]}` : o.label;
}
