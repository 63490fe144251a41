// The security auditor's strings (审计日志), registered when the audit console loads: they ride in
// its chunk, not in the entry every user downloads. `tca('verify.ok')` is `t('consoleAudit.verify.ok')`,
// typed by console-audit.zh.ts (console-audit.en.ts has the same keys).
import { i18n } from './index.svelte.ts';
import { consoleAuditZh } from './console-audit.zh.ts';
import { consoleAuditEn } from './console-audit.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ConsoleAuditKey = Leaves<typeof consoleAuditZh>;

i18n.register('consoleAudit', { zh: consoleAuditZh, en: consoleAuditEn });

export const tca = (key: ConsoleAuditKey, params?: Record<string, string | number>): string => i18n.tx(`consoleAudit.${key}`, params);
