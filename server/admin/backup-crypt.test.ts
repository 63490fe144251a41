// The encrypted file format of backups, as someone holding the backup medium (not the key) would
// attack it: bytes altered, chunks dropped, swapped or cut off, something appended, a file put in
// another file's place, another installation's key. Each is refused; the file in clear comes back
// byte for byte.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import test from 'ava';
import { BackupDecryptError, CHUNK, decryptFile, encryptFile, loadOrCreateBackupKey, manifestMac, manifestMacValid } from './backup-crypt.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-backup-crypt-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const HEADER = 24;
const RECORD = CHUNK + 16;
const key = randomBytes(32);
const scan = randomBytes(3 * CHUNK + 1234); // four chunks, the last one short
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let n = 0;

async function sealed(data = scan, rel = 'files/scans/1/page-001.jpg') {
  const from = path.join(tmp, `plain-${++n}`);
  fs.writeFileSync(from, data, { mode: 0o600 });
  const to = path.join(tmp, `sealed-${n}`);
  const r = await encryptFile(from, to, rel, key);
  return { file: to, bytes: fs.readFileSync(to), rel, r };
}

async function refused(t: import('ava').ExecutionContext, bytes: Buffer, rel: string, k = key) {
  const file = path.join(tmp, `bad-${++n}`);
  fs.writeFileSync(file, bytes);
  const out = path.join(tmp, `out-${n}`);
  const err = await t.throwsAsync(decryptFile(file, out, rel, k), { instanceOf: BackupDecryptError });
  t.false(fs.existsSync(out), 'no half-decrypted file left');
  return err!.message;
}

test('a file goes in encrypted and comes back byte for byte, its permission bits kept', async (t) => {
  const s = await sealed();
  t.false(s.bytes.includes(scan.subarray(0, 64)), 'no run of the scan in the stored file');
  t.is(s.r.plain.sha256, sha(scan));
  t.is(s.r.stored.sha256, sha(s.bytes));
  t.is(s.bytes.length, HEADER + scan.length + 4 * 16);
  t.is(fs.statSync(s.file).mode & 0o777, 0o600);
  const out = path.join(tmp, 'back.jpg');
  const d = await decryptFile(s.file, out, s.rel, key);
  t.true(fs.readFileSync(out).equals(scan));
  t.deepEqual(d, { size: scan.length, sha256: sha(scan) });
  t.is(fs.statSync(out).mode & 0o777, 0o600);
  // Files of every size, a chunk's edges included.
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK]) {
    const data = randomBytes(size);
    const x = await sealed(data);
    t.is((await decryptFile(x.file, null, x.rel, key)).sha256, sha(data), `${size} bytes`);
  }
});

test('an altered byte, a dropped, swapped or cut-off chunk, or bytes appended are refused', async (t) => {
  const { bytes, rel } = await sealed();
  const chunk = (i: number) => bytes.subarray(HEADER + i * RECORD, HEADER + (i + 1) * RECORD);
  const header = bytes.subarray(0, HEADER);
  const flipped = Buffer.from(bytes);
  flipped[HEADER + RECORD + 10] ^= 1;
  t.regex(await refused(t, flipped, rel), /第 2 块解密校验失败.*chunk 2 fails its authentication/);
  t.regex(await refused(t, Buffer.concat([header, chunk(0), chunk(2), bytes.subarray(HEADER + 3 * RECORD)]), rel), /chunk 2 fails/, 'one dropped');
  t.regex(await refused(t, Buffer.concat([header, chunk(1), chunk(0), bytes.subarray(HEADER + 2 * RECORD)]), rel), /chunk 1 fails/, 'two swapped');
  // Cut at a chunk boundary: every chunk left is intact, but the new last one was not sealed as the last.
  t.regex(await refused(t, bytes.subarray(0, HEADER + 2 * RECORD), rel), /chunk 2 fails/, 'cut at a boundary');
  t.regex(await refused(t, bytes.subarray(0, bytes.length - 5), rel), /chunk 4 fails/, 'cut inside the last');
  t.regex(await refused(t, Buffer.concat([bytes, randomBytes(40)]), rel), /fails/, 'appended');
  t.regex(await refused(t, bytes.subarray(0, 10), rel), /缺少文件头.*no header/);
  t.regex(await refused(t, scan, rel), /不是加密的备份文件.*not an encrypted backup file/, 'a file in clear put in its place');
});

test('a file moved to another path, or opened with another key, does not decrypt', async (t) => {
  const { bytes, rel } = await sealed();
  t.regex(await refused(t, bytes, 'files/scans/2/page-001.jpg'), /chunk 1 fails/);
  t.regex(await refused(t, bytes, rel, randomBytes(32)), /chunk 1 fails/);
});

test('the backup key is made when it may be, 0600 in a 0700 folder, and the same key is read after; a missing key is never made up otherwise; a key readable by others is refused', (t) => {
  const file = path.join(tmp, 'keys', 'backup-aes256.key');
  t.throws(() => loadOrCreateBackupKey(file, false), { message: /备份密钥文件 .* 不存在.*--new-key/ });
  t.false(fs.existsSync(file), 'nothing made when it may not be');
  const { key: k, created } = loadOrCreateBackupKey(file, true);
  t.true(created);
  t.is(k.length, 32);
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  t.is(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  const again = loadOrCreateBackupKey(file, true);
  t.true(again.key.equals(k));
  t.false(again.created);
  t.true(loadOrCreateBackupKey(file, false).key.equals(k));
  fs.chmodSync(file, 0o644);
  t.throws(() => loadOrCreateBackupKey(file, false), { message: /备份密钥文件权限过宽.*chmod 600/ });
});

test('the manifest MAC: valid under its key only, and for the exact bytes', (t) => {
  const bytes = Buffer.from('{"format":"dangan-backup/2"}\n');
  const mac = manifestMac(key, bytes);
  t.true(manifestMacValid(key, bytes, mac));
  t.false(manifestMacValid(randomBytes(32), bytes, mac), 'another key');
  t.false(manifestMacValid(key, Buffer.from('{"format":"dangan-backup/2" }\n'), mac), 'a changed manifest');
  t.false(manifestMacValid(key, bytes, 'not hex'));
});
