// Attachments of a case: stored under the data dir by id, type decided by the bytes, size and
// count limits, scope (strangers get 404 and leave nothing behind), checksums on download, audit.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { orgId } from '../../test/helpers/workflow.ts';
import type { HttpClient } from '../../test/helpers/http.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem({ env: { ATTACHMENT_MAX_MB: '1', ATTACHMENTS_PER_CASE: '3' } });
});
test.after.always(async () => {
  await sys?.close();
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const octet = { 'content-type': 'application/octet-stream' };

async function apply() {
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys), { purpose: '2', mode: 'electronic', reason: '拟提拔考察，需查阅。' }),
  });
  return { applicant, id: res.body.id as string };
}

const upload = (c: HttpClient, id: string, name: string, bytes: Buffer, headers: Record<string, string> = octet) =>
  c.request('POST', `/api/process-instances/${id}/attachments?filename=${encodeURIComponent(name)}`, bytes, headers);

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
const attachmentsDir = () => path.join(sys.testDb.dataDir, 'attachments');

test.serial('a PDF with a Chinese name: stored by id, listed, downloaded intact by the approver, both audited', async (t) => {
  const { applicant, id } = await apply();
  const up = await upload(applicant, id, '查阅审批表（盖章）.pdf', PDF);
  t.is(up.status, 201);
  t.like(up.body, { fileName: '查阅审批表（盖章）.pdf', contentType: 'application/pdf', size: PDF.length, uploaderName: '王建国' });
  const row = await sys.services.db('case_attachments').where({ id: up.body.id }).first();
  t.is(row.storage_key, `${id}/${up.body.id}`);
  t.deepEqual(fs.readFileSync(path.join(attachmentsDir(), row.storage_key)), PDF);

  const unitHead = await sys.as('unithead1');
  const list = await unitHead.get(`/api/process-instances/${id}/attachments`);
  t.deepEqual(list.body.map((a: any) => a.fileName), ['查阅审批表（盖章）.pdf']);
  const res = await fetch(`${sys.url}/api/attachments/${up.body.id}`, { headers: { cookie: (unitHead as any).cookie } });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/pdf');
  t.is(res.headers.get('content-disposition'), `attachment; filename="_________.pdf"; filename*=UTF-8''${encodeURIComponent('查阅审批表（盖章）.pdf')}`);
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
  const audit = await sys.services.db('audit_log').whereIn('action', ['attachment.upload', 'attachment.download']).where({ object_id: up.body.id }).orderBy('seq');
  t.deepEqual(audit.map((a: any) => [a.action, a.actor]), [['attachment.upload', 'applicant1'], ['attachment.download', 'unithead1']]);
});

test.serial('types are decided by the bytes: wrong content, unknown or dangerous extensions are refused and nothing stays', async (t) => {
  const { applicant, id } = await apply();
  const before = filesUnder(attachmentsDir()).length;
  for (const [name, bytes] of [
    ['scan.pdf', PNG],
    ['page.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['tool.exe', Buffer.from('MZ\x90\x00')],
    ['noextension', PDF],
    ['macro.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0])],
  ] as const) {
    const res = await upload(applicant, id, name, bytes as Buffer);
    t.is(res.status, 415, name);
    t.is(res.body.code, 'ATTACHMENT_TYPE', name);
  }
  t.is((await upload(applicant, id, 'a.png', PNG)).status, 201);
  t.is((await sys.services.db('case_attachments').where({ instance_id: id })).length, 1);
  t.is(filesUnder(attachmentsDir()).length, before + 1);
});

test.serial('limits: size (413), empty (400), count per case (409); a path in the name is dropped', async (t) => {
  const { applicant, id } = await apply();
  const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(1024 * 1024 + 10)]);
  const tooBig = await upload(applicant, id, 'big.pdf', big);
  t.is(tooBig.status, 413);
  t.is(tooBig.body.code, 'PAYLOAD_TOO_LARGE');
  const empty = await upload(applicant, id, 'empty.pdf', Buffer.alloc(0));
  t.is(empty.status, 400);
  const sneaky = await upload(applicant, id, '../../../etc/passwd.pdf', PDF);
  t.is(sneaky.status, 201);
  t.is(sneaky.body.fileName, 'passwd.pdf');
  t.is((await upload(applicant, id, 'b.pdf', PDF)).status, 201);
  t.is((await upload(applicant, id, 'c.pdf', PDF)).status, 201);
  const fourth = await upload(applicant, id, 'd.pdf', PDF);
  t.is(fourth.status, 409);
  t.is(fourth.body.code, 'TOO_MANY_ATTACHMENTS');
  t.is((await sys.services.db('case_attachments').where({ instance_id: id })).length, 3);
  t.deepEqual(filesUnder(path.join(attachmentsDir(), id)).length, 3, 'the refused fourth left no file');
});

test.serial('strangers get 404 for upload, list and download, and leave no file; closed cases take none', async (t) => {
  const { applicant, id } = await apply();
  const up = await upload(applicant, id, 'a.pdf', PDF);
  const stranger = await sys.as('receiver1');
  const before = filesUnder(attachmentsDir()).length;
  t.is((await upload(stranger, id, 'x.pdf', PDF)).status, 404);
  t.is((await stranger.get(`/api/process-instances/${id}/attachments`)).status, 404);
  const dl = await stranger.get(`/api/attachments/${up.body.id}`);
  t.is(dl.status, 404);
  t.is(dl.body.code, 'NOT_FOUND');
  t.is(filesUnder(attachmentsDir()).length, before);
  t.is((await sys.client().request('POST', `/api/process-instances/${id}/attachments?filename=a.pdf`, PDF, octet)).status, 401);
  t.is((await (await sys.as('procadmin')).request('POST', `/api/process-instances/${id}/attachments?filename=a.pdf`, PDF, octet)).status, 403);

  await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '不再需要。' });
  const late = await upload(applicant, id, 'late.pdf', PDF);
  t.is(late.status, 409);
  t.is(late.body.code, 'INSTANCE_NOT_ACTIVE');
  t.is(filesUnder(attachmentsDir()).length, before, 'the refused upload left no file');
  t.is((await applicant.get(`/api/attachments/${up.body.id}`)).status, 200, 'what was attached stays readable');
});

test.serial('a file changed on disk is refused on download, not served', async (t) => {
  const { applicant, id } = await apply();
  const up = await upload(applicant, id, 'a.pdf', PDF);
  fs.writeFileSync(path.join(attachmentsDir(), id, up.body.id), Buffer.concat([PDF, Buffer.from('tampered')]));
  const res = await applicant.get(`/api/attachments/${up.body.id}`);
  t.is(res.status, 500);
  t.is(res.body.code, 'ATTACHMENT_CORRUPT');
});

test.serial('binary bodies go only where a route takes them', async (t) => {
  const applicant = await sys.as('applicant1');
  const res = await applicant.request('POST', '/api/process-instances', PDF, octet);
  t.is(res.status, 415);
  t.is(res.body.code, 'UNSUPPORTED_MEDIA_TYPE');
});
