import test from 'ava';
import { z } from './zod.ts';

const said = (schema: z.ZodType, input: unknown): string[] => {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message.split(' / ')[0]!);
};

test('zod refusals name the limit in Chinese, in the unit of what was measured', (t) => {
  t.deepEqual(said(z.string().trim().min(1).max(10), '   '), ['不能为空']);
  t.deepEqual(said(z.string().min(2), 'a'), ['至少 2 个字']);
  t.deepEqual(said(z.string().max(3), 'abcd'), ['最多 3 个字']);
  t.deepEqual(said(z.array(z.number()).max(1), [1, 2]), ['最多 1 项']);
  t.deepEqual(said(z.number().int().min(1), 0), ['不能小于 1']);
  t.deepEqual(said(z.number().positive(), 0), ['须大于 0']);
  t.deepEqual(said(z.number().int(), 1.5), ['应为整数']);
  t.deepEqual(said(z.object({ a: z.string() }), {}), ['必填']);
  t.deepEqual(said(z.enum(['a', 'b']), 'c'), ['不是可选的值']);
  t.deepEqual(said(z.object({}).strict(), { x: 1, y: 2 }), ['不认识的项：x、y']);
  t.deepEqual(said(z.string().email(), 'nobody'), ['邮箱地址格式不对']);
});

test('a message a schema writes itself is kept as written', (t) => {
  t.deepEqual(said(z.string().min(1, '请填写名称 / give a title'), ''), ['请填写名称']);
});

test('the English half is plain words too, never zod\'s "Too small: expected string to have >=1 characters"', (t) => {
  const en = (schema: z.ZodType, input: unknown): string[] => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.message.split(' / ')[1]!);
  };
  t.deepEqual(en(z.string().trim().min(1), '  '), ['must not be empty']);
  t.deepEqual(en(z.string().min(2), 'a'), ['at least 2 characters']);
  t.deepEqual(en(z.string().max(1), 'ab'), ['at most 1 character']);
  t.deepEqual(en(z.array(z.number()).max(2), [1, 2, 3]), ['at most 2 items']);
  t.deepEqual(en(z.number().int().min(1), 0), ['must be at least 1']);
  t.deepEqual(en(z.number().positive(), 0), ['must be more than 0']);
  t.deepEqual(en(z.number().int(), 1.5), ['must be a whole number']);
  t.deepEqual(en(z.object({ a: z.string() }), {}), ['required']);
  t.deepEqual(en(z.enum(['a', 'b']), 'c'), ['not one of the choices']);
  t.deepEqual(en(z.object({}).strict(), { x: 1, y: 2 }), ['unknown fields: x, y']);
  t.deepEqual(en(z.string().email(), 'nobody'), ['not a valid email address']);
  for (const [schema, input] of [[z.string().min(1), ''], [z.string().max(1), 'ab'], [z.number(), 'x'], [z.object({ a: z.string() }), {}]] as const) {
    t.notRegex(en(schema, input)[0]!, /Too small|Too big|Invalid input|expected/);
  }
});
