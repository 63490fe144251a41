// Words for the log's codes: an action's name ("auth.login" → 登录), else its domain's word with
// the verb's ("stock_check.mark" → 库房核对 · 标记) or the rest of the code, else the code itself;
// outcomes; an entry's object by its kind and name ("用户 冯涛", "案件 JY2026-0001", a setting by
// its label), from the names the server resolved when reading the log.
import type { AuditEntry } from '../../../api/types.ts';
import { i18n } from '../../../i18n/index.svelte.ts';
import { consoleAuditZh } from '../../../i18n/console-audit.zh.ts';
import { tcx } from '../../../i18n/console-settings.ts';

/** The action's name; a verb done to a 摘录件 (detail.kind extract: copy.pdf_create, copy.pdf_denied …) by its own word when it has one. */
export function actionName(action: string, detail?: Record<string, unknown> | null): string {
  const exact = `consoleAudit.actions.${action}`;
  if (i18n.has(exact)) return i18n.tx(exact);
  const dot = action.indexOf('.');
  const domain = dot > 0 ? action.slice(0, dot) : action;
  const domainKey = `consoleAudit.domains.${domain}`;
  if (dot > 0 && i18n.has(domainKey)) {
    const verb = action.slice(dot + 1);
    const ofExtract = `consoleAudit.verbs.${verb}_extract`;
    const verbKey = detail?.kind === 'extract' && i18n.has(ofExtract) ? ofExtract : `consoleAudit.verbs.${verb}`;
    return `${i18n.tx(domainKey)} · ${i18n.has(verbKey) ? i18n.tx(verbKey) : verb}`;
  }
  return action;
}

/** The domains with a word, as prefixes the action filter suggests ("auth.*"). */
export const actionPrefixes = (): Array<{ value: string; label: string }> =>
  Object.keys(consoleAuditZh.domains).map((d) => ({ value: `${d}.*`, label: i18n.tx(`consoleAudit.domains.${d}`) }));

export const outcomeName = (outcome: string): string => i18n.tx(`consoleAudit.outcome.${outcome}`, undefined, outcome);

export const outcomeBadge = (outcome: string): string => (outcome === 'success' ? 'badge-ok' : outcome === 'denied' ? 'badge-danger' : outcome === 'failure' ? 'badge-warn' : '');

/** An object kind's word ("user" → 用户), or the code itself. */
export const objectTypeName = (type: string): string => i18n.tx(`consoleAudit.objectTypes.${type}`, undefined, type);

/** A page's number from its id ("12/3" → 3), for the words after its material. */
const pageNoOf = (e: AuditEntry): string | undefined => (e.objectType === 'page' ? e.objectId?.split('/')[1] : undefined);

/**
 * What the entry's object is called: the resolved name (a page's with its number: "GB-0001 · 1-1 ·
 * 第 3 页"), a setting's label, an id that is a word ("report summary" → 汇总统计); null when none.
 */
export function objectName(e: AuditEntry): string | null {
  if (e.objectType === 'setting' && e.objectId) return tcx(`security.fields.${e.objectId}.label`) || tcx(`settings.fields.${e.objectId}.label`) || null;
  const pageNo = pageNoOf(e);
  if (e.names.object && pageNo) return `${e.names.object} · ${i18n.tx('consoleAudit.pageNo', { n: pageNo })}`;
  if (e.names.object) return e.names.object;
  const word = e.objectType && e.objectId ? `consoleAudit.objectIds.${e.objectType}.${e.objectId}` : '';
  return word && i18n.has(word) ? i18n.tx(word) : null;
}

/** Whether the object's kind has a word (else the code itself is shown). */
export const hasObjectTypeName = (type: string): boolean => i18n.has(`consoleAudit.objectTypes.${type}`);

/** Why a read or act was refused, in words (detail.reason); a verification's reason as the check words it; null for a reason without any. */
export function reasonName(action: string, reason: unknown): string | null {
  if (typeof reason !== 'string') return null;
  const key = action === 'audit.verify' ? `consoleAudit.verify.reasons.${reason}` : `consoleAudit.reasons.${reason}`;
  return i18n.has(key) ? i18n.tx(key) : null;
}

/** Detail keys that list role codes: the roles an account was given, before and after a change. */
export const roleListKeys = (action: string): readonly string[] => (action === 'user.roles_change' ? ['from', 'to'] : ['roles']);

/** The value as role codes, when it is a list of them. */
export const roleCodes = (v: unknown): string[] | null => (Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'string') ? v : null);

/** Why an administrator's attempt was refused, in words (detail.rule of a denied user.* row); null for a rule without any. */
export function ruleName(rule: unknown): string | null {
  const key = `consoleAudit.rules.${String(rule)}`;
  return typeof rule === 'string' && i18n.has(key) ? i18n.tx(key) : null;
}
