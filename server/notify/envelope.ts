// The checks every message passes before it is written and again before it is sent: the recipient
// address is one plain address in a configured mail domain, and the subject is one line.
// Decision: a subject with a header break (CR, LF or any other control character) is REFUSED, not
// stripped: it can only come from a hostile or broken value, and stripping would hide that. Names of
// diagram elements are folded to one line before they reach a template (oneLine), because BPMN labels
// carry line breaks for layout.

export type EnvelopeProblem = 'RECIPIENT_DISABLED' | 'NO_ADDRESS' | 'BAD_ADDRESS' | 'DOMAIN_NOT_ALLOWED' | 'SUBJECT_HEADER_BREAK' | 'SUBJECT_TOO_LONG';

/** One plain addr-spec: no display name, no comments, no lists, no quotes, no whitespace. */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\.)+[A-Za-z]{2,63}$/;

export function checkAddress(address: string | null | undefined, allowedDomains: readonly string[]): EnvelopeProblem | null {
  if (!address) return 'NO_ADDRESS';
  if (address.length > 200 || !ADDRESS.test(address)) return 'BAD_ADDRESS';
  const local = address.slice(0, address.lastIndexOf('@'));
  if (local.length > 64) return 'BAD_ADDRESS';
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return allowedDomains.includes(domain) ? null : 'DOMAIN_NOT_ALLOWED';
}

const HEADER_BREAK = /[\x00-\x1f\x7f\u2028\u2029\u0085]/;

export function checkSubject(subject: string): EnvelopeProblem | null {
  if (HEADER_BREAK.test(subject)) return 'SUBJECT_HEADER_BREAK';
  if (subject.length > 300) return 'SUBJECT_TOO_LONG';
  return null;
}

export const PROBLEM_TEXT: Record<EnvelopeProblem, string> = {
  RECIPIENT_DISABLED: '收件人账号已停用 / The recipient account is disabled',
  NO_ADDRESS: '收件人没有邮箱地址 / The recipient has no mail address',
  BAD_ADDRESS: '收件人邮箱地址格式不正确 / The recipient address is not one plain address',
  DOMAIN_NOT_ALLOWED: '收件人邮箱不在允许的邮件域内 / The recipient domain is not an allowed mail domain',
  SUBJECT_HEADER_BREAK: '邮件主题含有换行或控制字符 / The subject carries a line break or control character',
  SUBJECT_TOO_LONG: '邮件主题过长 / The subject is too long',
};
