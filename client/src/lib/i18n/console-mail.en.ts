// English: 邮件发送 (mail delivery). Same keys as console-mail.zh.ts.
import type { consoleMailZh } from './console-mail.zh.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const consoleMailEn: Widen<typeof consoleMailZh> = {
  title: 'Mail delivery',
  intro: 'Notices that failed (retries ran out, or the mail server refused them) and that were refused (no address, a domain not allowed, …). Remove the cause first (add or correct the address under Users), then send again.',
  notSending: 'SMTP_URL is not set: mail stays in the outbox and is not sent.',
  tabs: { incident: 'Failed ({n})', refused: 'Refused ({n})' },
  counts: '{pending} waiting, {held} held for digests, {sent} sent, {obsolete} obsolete',
  col: { created: 'Time', recipient: 'Recipient', subject: 'Subject', why: 'Why', actions: 'Actions' },
  noAddress: ' (no address)',
  attempts: '{n} {n:attempt|attempts}',
  empty: { incident: 'No failed mail.', refused: 'No refused mail.' },
  retry: 'Send again',
  retrying: 'Sending again…',
  retried: 'The mail to {name} is queued again.',
  retryAll: 'Send all again ({n})',
  retryAllConfirm: 'Queue all {n} failed mails again, each to its recipient’s current address? This is recorded in the audit log.',
  retryAllDone: '{n} queued again; {skipped} not, as their recipients still have no usable address.',
  progress: 'Sending again: {sent} of {total} sent, {pending} waiting, {failed} failed again',
  progressDone: 'Done: {sent} of {total} sent, {failed} failed again',
  loading: 'Reading the outbox…',
  more: 'Show more',
  problems: {
    NO_ADDRESS: 'The recipient has no mail address: add one under Users, then send again',
    DOMAIN_NOT_ALLOWED: 'The address is not in an allowed mail domain: correct it under Users, then send again',
    BAD_ADDRESS: 'The address is not a plain mail address: correct it under Users, then send again',
    RECIPIENT_DISABLED: 'The recipient’s account is disabled',
    SUBJECT_HEADER_BREAK: 'The subject carries a line break (cannot be sent)',
    SUBJECT_TOO_LONG: 'The subject is too long (cannot be sent)',
  },
  smtpError: 'Mail server: {error}',
};
