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
