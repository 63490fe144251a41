// Words for the log's codes: an action's name ("auth.login" → 登录), else its domain's word with
// the verb's ("stock_check.mark" → 库房核对 · 标记) or the rest of the code, else the code itself;
// outcomes.
import { i18n } from '../../../i18n/index.svelte.ts';
import { consoleAuditZh } from '../../../i18n/console-audit.zh.ts';

export function actionName(action: string): string {
  const exact = `consoleAudit.actions.${action}`;
  if (i18n.has(exact)) return i18n.tx(exact);
  const dot = action.indexOf('.');
  const domain = dot > 0 ? action.slice(0, dot) : action;
  const domainKey = `consoleAudit.domains.${domain}`;
  if (dot > 0 && i18n.has(domainKey)) {
    const verb = action.slice(dot + 1);
    const verbKey = `consoleAudit.verbs.${verb}`;
    return `${i18n.tx(domainKey)} · ${i18n.has(verbKey) ? i18n.tx(verbKey) : verb}`;
  }
  return action;
}

/** The domains with a word, as prefixes the action filter suggests ("auth.*"). */
export const actionPrefixes = (): Array<{ value: string; label: string }> =>
  Object.keys(consoleAuditZh.domains).map((d) => ({ value: `${d}.*`, label: i18n.tx(`consoleAudit.domains.${d}`) }));

export const outcomeName = (outcome: string): string => i18n.tx(`consoleAudit.outcome.${outcome}`, undefined, outcome);

export const outcomeBadge = (outcome: string): string => (outcome === 'success' ? 'badge-ok' : outcome === 'denied' ? 'badge-danger' : outcome === 'failure' ? 'badge-warn' : '');
