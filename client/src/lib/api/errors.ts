// Turns any failure into a sentence for the user, by error code, in the current language.
import { i18n } from '../i18n/index.svelte.ts';
import { ApiError } from './client.ts';
import { payloadLimitText } from './limit-text.ts';

/**
 * Field-level messages, field → message in the current language: each of a VALIDATION_FAILED
 * answer's details, and a rule's refusal that names the field it is about (`details.field`, e.g.
 * 电子查阅时限须为 1 至 5 天 at viewDays), so that it is shown where it is to be mended.
 */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && Array.isArray(e.details)) {
    for (const d of e.details as Array<{ field?: string; message?: string }>) {
      if (d?.field !== undefined && d.message) out[d.field] = i18n.serverText(d.message);
    }
  }
  const field = e instanceof ApiError && e.code === 'RULE_VIOLATION' ? (e.details as { field?: unknown } | undefined)?.field : undefined;
  if (typeof field === 'string' && field && e instanceof ApiError) out[field] = i18n.serverText(e.message);
  return out;
}

export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return i18n.t('errors.generic');
  if (e.code === 'NETWORK') return i18n.t('errors.network');
  if (e.code === 'INTERNAL') return i18n.t('errors.INTERNAL', { id: String((e.details as any)?.correlationId ?? '').slice(0, 8) });
  // A broken rule says which; the server's own sentence names it best.
  if (e.code === 'RULE_VIOLATION' || e.code === 'ATTACHMENT_TYPE' || e.code === 'TOO_MANY_ATTACHMENTS') {
    return i18n.serverText(e.message);
  }
  if (e.code === 'VALIDATION_FAILED') {
    const fields = Object.values(fieldErrors(e));
    const text = i18n.t('errors.VALIDATION_FAILED');
    return fields.length ? i18n.t('app.withDetails', { text, details: fields.join(i18n.t('app.listSep')) }) : text;
  }
  // A body over the limit: the limit the server names (a page image, an import file …).
  const maxBytes = (e.details as { maxBytes?: unknown } | undefined)?.maxBytes;
  if (e.code === 'PAYLOAD_TOO_LARGE' && typeof maxBytes === 'number') return payloadLimitText(i18n.locale, maxBytes);
  if (i18n.has(`errors.${e.code}`)) return i18n.tx(`errors.${e.code}`);
  return e.message ? i18n.serverText(e.message) : i18n.t('errors.generic');
}
