// zod's own messages in the project's "中文 / English" form. The client shows the half of the user's
// language (i18n.serverText), so a field refused by a bare `.min(1)` or `.max(500)` reads like the
// messages the schemas write themselves — in Chinese and in plain English ("at most 64 characters",
// not zod's "Too big: expected string to have <=64 characters"). zod's English is kept only for an
// issue these words do not cover.
import { z } from 'zod';

type Issue = Parameters<NonNullable<z.core.$ZodConfig['localeError']>>[0];

const english = z.locales.en().localeError!;

const TYPE_NAMES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '是或否',
  array: '列表',
  object: '对象',
  date: '日期',
  bigint: '整数',
};

/** The unit a size limit counts in, by what was measured. */
const UNITS: Record<string, string> = { string: '个字', array: '项', set: '项', file: '字节' };

function sizeLimit(issue: Issue & { origin?: string; exact?: boolean; inclusive?: boolean }, bound: number | bigint, small: boolean): string {
  const unit = UNITS[issue.origin ?? ''];
  const n = bound.toString();
  if (unit) {
    if (issue.exact) return `须为 ${n} ${unit}`;
    if (small) return issue.origin === 'string' && Number(bound) === 1 ? '不能为空' : `至少 ${n} ${unit}`;
    return `最多 ${n} ${unit}`;
  }
  if (issue.origin === 'date') return small ? `不能早于 ${n}` : `不能晚于 ${n}`;
  if (small) return issue.inclusive === false ? `须大于 ${n}` : `不能小于 ${n}`;
  return issue.inclusive === false ? `须小于 ${n}` : `不能大于 ${n}`;
}

/** The Chinese half of a zod issue: short, in the words of a form. */
export function chineseIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '必填';
      return `应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return sizeLimit(issue, issue.minimum, true);
    case 'too_big':
      return sizeLimit(issue, issue.maximum, false);
    case 'invalid_value':
      return '不是可选的值';
    case 'invalid_format':
      if (issue.format === 'email') return '邮箱地址格式不对';
      if (issue.format === 'uuid' || issue.format === 'guid') return '编号格式不对';
      if (issue.format === 'datetime' || issue.format === 'date') return '日期格式不对';
      return '格式不对';
    case 'not_multiple_of':
      return `须为 ${issue.divisor.toString()} 的倍数`;
    case 'unrecognized_keys':
      return `不认识的项：${issue.keys.join('、')}`;
    default:
      return '填写的内容不对';
  }
}

const EN_TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  bigint: 'a whole number',
};
const EN_UNITS: Record<string, [string, string]> = { string: ['character', 'characters'], array: ['item', 'items'], set: ['item', 'items'], file: ['byte', 'bytes'] };

function englishSizeLimit(issue: Issue & { origin?: string; exact?: boolean; inclusive?: boolean }, bound: number | bigint, small: boolean): string {
  const unit = EN_UNITS[issue.origin ?? ''];
  const n = bound.toString();
  if (unit) {
    const u = n === '1' ? unit[0] : unit[1];
    if (issue.exact) return `must be exactly ${n} ${u}`;
    if (small) return issue.origin === 'string' && Number(bound) === 1 ? 'must not be empty' : `at least ${n} ${u}`;
    return `at most ${n} ${u}`;
  }
  if (issue.origin === 'date') return small ? `not before ${n}` : `not after ${n}`;
  if (small) return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
  return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
}

/** The English half, in the same plain words; zod's own English for anything else. */
export function englishIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${EN_TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return englishSizeLimit(issue, issue.minimum, true);
    case 'too_big':
      return englishSizeLimit(issue, issue.maximum, false);
    case 'invalid_value':
      return 'not one of the choices';
    case 'invalid_format':
      if (issue.format === 'email') return 'not a valid email address';
      if (issue.format === 'uuid' || issue.format === 'guid') return 'not a valid id';
      if (issue.format === 'datetime' || issue.format === 'date') return 'not a valid date';
      return 'not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor.toString()}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}`;
    default: {
      const en = english(issue);
      return typeof en === 'string' ? en : (en?.message ?? 'Invalid input');
    }
  }
}

export function bilingualIssue(issue: Issue): string {
  return `${chineseIssue(issue)} / ${englishIssue(issue)}`;
}
