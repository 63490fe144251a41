// The strings of 个人设置 (and the header's note when a language switch could not be saved),
// registered when this module loads. `ts('form.save')` is `t('mySettings.form.save')`, typed by
// my-settings.zh.ts (my-settings.en.ts has the same keys).
import { i18n } from './index.svelte.ts';
import { mySettingsZh } from './my-settings.zh.ts';
import { mySettingsEn } from './my-settings.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MySettingsKey = Leaves<typeof mySettingsZh>;

i18n.register('mySettings', { zh: mySettingsZh, en: mySettingsEn });

export const ts = (key: MySettingsKey, params?: Record<string, string | number>): string => i18n.tx(`mySettings.${key}`, params);
/** A key built at run time (an event's name); `fallback` when there is none (an event added later). */
export const tsx = (key: string, fallback: string): string => (i18n.has(`mySettings.${key}`) ? i18n.tx(`mySettings.${key}`) : fallback);
