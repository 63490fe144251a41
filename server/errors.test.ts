// The default messages of the domain errors are bilingual, 中文 / English, like the rest of the API
// (the client shows the half of the user's language). A 404 names what is missing in both.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { errors, notFoundMessage } from './errors.ts';

const serverFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));

test('every name a 404 is given in the code has its Chinese name', (t) => {
  const names = new Set<string>();
  for (const file of serverFiles(path.dirname(new URL(import.meta.url).pathname))) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/errors\.notFound\('([^']+)'\)/g)) names.add(m[1]);
    // archives/views.ts names its kinds in a table, reading/service.ts passes one through.
    for (const m of src.matchAll(/notFound\([^)]*\?\s*'([^']+)'\s*:\s*'([^']+)'\)/g)) names.add(m[1]).add(m[2]);
  }
  t.true(names.size > 30, 'the call sites were found');
  const generic = [...names].filter((n) => notFoundMessage(n).startsWith('未找到所请求的对象'));
  t.deepEqual(generic, []);
  t.is(errors.notFound('Process instance').message, '未找到该案件 / Process instance not found');
  t.is(errors.notFound().message, '未找到该资源 / Resource not found');
  t.is(notFoundMessage('Something new'), '未找到所请求的对象 / Something new not found');
});

test('the defaults read Chinese first, then English; the codes stay', (t) => {
  const all = [
    errors.validation([]),
    errors.unauthenticated(),
    errors.loginFailed(),
    errors.totpRequired(),
    errors.forbidden(),
    errors.notCandidate(),
    errors.notFound('Review'),
    errors.taskNotOpen('completed'),
    errors.instanceNotActive('terminated'),
    errors.bpmnInvalid([]),
    errors.payloadTooLarge(),
    errors.unsupportedMedia(),
    errors.foreignOrigin(),
  ];
  for (const e of all) t.regex(e.message, /^[^a-zA-Z]*[\u4e00-\u9fff][^/]* \/ [A-Z]/, e.code);
  t.deepEqual(
    all.map((e) => e.code),
    ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'LOGIN_FAILED', 'TOTP_REQUIRED', 'FORBIDDEN', 'NOT_CANDIDATE', 'NOT_FOUND', 'TASK_NOT_OPEN', 'INSTANCE_NOT_ACTIVE', 'BPMN_INVALID', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'FOREIGN_ORIGIN'],
  );
  t.is(errors.notFound('Review').message, '未找到该审核 / Review not found');
  t.is(errors.instanceNotActive('completed').message, '案件已办结，不能办理此操作 / The case is completed');
  t.is(errors.taskNotOpen('cancelled').message, '任务已取消，不能再办理 / The task is not open (status: cancelled)');
});
