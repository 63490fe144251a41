// A page image over the limit (20 MB) is refused with 413 naming the limit, in Chinese and English
// — uploaded (POST …/pages), rescanned (PUT …/pages/:n), or given in-process (writeImage: filing
// with scans) — and nothing is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { MAX_PAGE_BYTES, writeImage } from '../../server/archives/scans.ts';
import { plainArchiveOf } from '../archives/helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const LIMIT_TEXT = '请求内容过大，上限为 20 MB / Request body too large: at most 20 MB';

async function send(method: 'POST' | 'PUT', url: string, body: Buffer) {
  const client = await sys.as('archivist1');
  const cookie = (client as unknown as { cookie: string }).cookie;
  const res = await fetch(client.base + url, { method, headers: { cookie, 'content-type': 'image/jpeg' }, body });
  return { status: res.status, body: (await res.json()) as any };
}

test.serial('a page image one byte over 20 MB: 413 naming the limit, for a new page and for a rescan; no page written', async (t) => {
  t.is(MAX_PAGE_BYTES, 20 * 1024 * 1024);
  const { archiveId } = await plainArchiveOf(sys, '150300-ZZB-DAS', 2);
  const m = await sys.services.db('materials').where({ archive_id: archiveId }).orderBy('id').first();
  const pages = async () => Number((await sys.services.db('page_images').where({ material_id: m.id }).count({ n: '*' }))[0].n);
  const before = await pages();
  const big = Buffer.alloc(MAX_PAGE_BYTES + 1, 0xff);
  for (const [method, url] of [['POST', `/api/materials/${m.id}/pages`], ['PUT', `/api/materials/${m.id}/pages/1`]] as const) {
    const res = await send(method, url, big);
    t.is(res.status, 413, method);
    t.is(res.body.code, 'PAYLOAD_TOO_LARGE');
    t.is(res.body.message, LIMIT_TEXT);
    t.is(res.body.details.maxBytes, MAX_PAGE_BYTES);
  }
  t.is(await pages(), before);
});

test('an image given in-process over the limit (filing with scans) is refused in the same words, and no file is written', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-page-limit-'));
  try {
    const err: any = await t.throwsAsync(writeImage(root, 'a/m', 1, Buffer.alloc(MAX_PAGE_BYTES + 1)));
    t.is(err.status, 413);
    t.is(err.message, LIMIT_TEXT);
    t.deepEqual(err.details, { maxBytes: MAX_PAGE_BYTES });
    t.deepEqual(fs.readdirSync(root), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
