// The 回避管理 console's strings, registered when its page loads (they ride in its chunk).
// `tv('lift')` is `t('consoleAvoidance.lift')`, typed by console-avoidance.zh.ts.
import { i18n } from './index.svelte.ts';
import { consoleAvoidanceZh } from './console-avoidance.zh.ts';
import { consoleAvoidanceEn } from './console-avoidance.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ConsoleAvoidanceKey = Leaves<typeof consoleAvoidanceZh>;

i18n.register('consoleAvoidance', { zh: consoleAvoidanceZh, en: consoleAvoidanceEn });

export const tv = (key: ConsoleAvoidanceKey, params?: Record<string, string | number>): string => i18n.tx(`consoleAvoidance.${key}`, params);
