// Punctuation around the words of a sentence built in the page: Chinese uses full-width brackets,
// a full-width colon and 、 between items; English the half-width ones with spaces.
type Locale = 'zh' | 'en';

/** "（x）" in Chinese, " (x)" in English. */
export const paren = (locale: Locale, text: string): string => (locale === 'zh' ? `（${text}）` : ` (${text})`);

/** "：" in Chinese, ": " in English. */
export const colon = (locale: Locale): string => (locale === 'zh' ? '：' : ': ');

/** Items joined by 、 in Chinese, by ", " in English. */
export const listOf = (locale: Locale, items: readonly string[]): string => items.join(locale === 'zh' ? '、' : ', ');

/** Clauses joined by ； in Chinese, by "; " in English. */
export const clausesOf = (locale: Locale, items: readonly string[]): string => items.join(locale === 'zh' ? '；' : '; ');

/** Phrases joined by ， in Chinese, by ", " in English. */
export const phrasesOf = (locale: Locale, items: readonly string[]): string => items.join(locale === 'zh' ? '，' : ', ');
