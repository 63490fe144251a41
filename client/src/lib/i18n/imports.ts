// The strings of 目录导入 (the catalogue import page), registered when this module loads.
// `ti('check')` is `t('imports.check')`, typed by imports.zh.ts (imports.en.ts has the same keys).
import { i18n } from './index.svelte.ts';
import { importsZh } from './imports.zh.ts';
import { importsEn } from './imports.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ImportsKey = Leaves<typeof importsZh>;

i18n.register('imports', { zh: importsZh, en: importsEn });

export const ti = (key: ImportsKey, params?: Record<string, string | number>): string => i18n.tx(`imports.${key}`, params);
