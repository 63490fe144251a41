// The strings of 系统设置, 安全策略 and 数据备份, registered when one of those pages loads (they ride
// in the pages' chunk). `tc('backups.start')` is `t('consoleSettings.backups.start')`, typed by
// console-settings.zh.ts (console-settings.en.ts has the same keys).
import { i18n } from './index.svelte.ts';
import { consoleSettingsZh } from './console-settings.zh.ts';
import { consoleSettingsEn } from './console-settings.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ConsoleSettingsKey = Leaves<typeof consoleSettingsZh>;

i18n.register('consoleSettings', { zh: consoleSettingsZh, en: consoleSettingsEn });

export const tc = (key: ConsoleSettingsKey, params?: Record<string, string | number>): string => i18n.tx(`consoleSettings.${key}`, params);
/** A key built at run time (a setting's label by its name); empty when there is none. */
export const tcx = (key: string, params?: Record<string, string | number>): string =>
  i18n.has(`consoleSettings.${key}`) ? i18n.tx(`consoleSettings.${key}`, params) : '';
