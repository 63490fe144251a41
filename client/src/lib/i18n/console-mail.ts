// The strings of 邮件发送, registered when its page loads (they ride in its chunk).
// `tm('retry')` is `t('consoleMail.retry')`, typed by console-mail.zh.ts.
import { i18n } from './index.svelte.ts';
import { consoleMailZh } from './console-mail.zh.ts';
import { consoleMailEn } from './console-mail.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ConsoleMailKey = Leaves<typeof consoleMailZh>;

i18n.register('consoleMail', { zh: consoleMailZh, en: consoleMailEn });

export const tm = (key: ConsoleMailKey, params?: Record<string, string | number>): string => i18n.tx(`consoleMail.${key}`, params);
/** A key built at run time (an envelope problem's code); empty when there is none. */
export const tmx = (key: string, params?: Record<string, string | number>): string => (i18n.has(`consoleMail.${key}`) ? i18n.tx(`consoleMail.${key}`, params) : '');
