// Encryption of backups at rest (等保 数据保密性: a backup on a USB disk must not carry cadres' data
// and scans in clear). Every file of the database and data folder is written as a stream of
// AES-256-GCM chunks, so a multi-GB scan folder never needs more than two chunks of memory:
//
//   header  "DGNBAK01" + 16 random bytes (salt)            — 24 bytes, the AAD of every chunk
//   chunk i ciphertext of ≤ 64 KiB + 16-byte tag           — IV = 0×7 ‖ uint32 BE i ‖ last-flag
//
// Each file has its own key, HKDF-SHA256(backup key, salt, "dangan-backup-file/1\0" + its path in
// the backup), so a file moved to another path does not decrypt, and IVs never repeat under a key.
// The counter in the IV catches chunks dropped or swapped; the last-flag catches a file cut at a
// chunk boundary (its new last chunk was sealed as not-last) and anything after the real end.
// The backup key (32 random bytes, base64) lives at BACKUP_KEY_FILE, never inside a backup.
import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';

export const CHUNK = 64 * 1024;
const TAG = 16;
const MAGIC = Buffer.from('DGNBAK01');
const HEADER = MAGIC.length + 16;
export const ENCRYPTION = 'AES-256-GCM/64KiB-chunks/HKDF-SHA256' as const;

export class BackupDecryptError extends Error {}

const unsafe = (file: string, mode: number) =>
  new AppError(500, 'BACKUP_KEY_UNSAFE', `备份密钥文件权限过宽，请 chmod 600 / The backup key file ${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);

function readKey(file: string): Buffer {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) throw unsafe(file, mode);
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new AppError(500, 'BACKUP_KEY_INVALID', `备份密钥文件内容不是 base64 的 32 字节 / The backup key file ${file} does not hold 32 bytes in base64`);
  return key;
}

/**
 * The backup key. It is made (0600 in a 0700 folder) only when `mayCreate` — the installation's first
 * backup, or `npm run backup -- --new-key` — never because the file is missing: a key made anew
 * when the file was deleted, or when BACKUP_KEY_FILE names a USB key not mounted, would encrypt
 * every later backup under a key nobody holds a copy of, found out only at restore time.
 */
export function loadOrCreateBackupKey(file: string, mayCreate: boolean): { key: Buffer; created: boolean } {
  let created = false;
  if (!fs.existsSync(file)) {
    if (!mayCreate) {
      throw new AppError(
        409,
        'BACKUP_KEY_MISSING',
        `备份密钥文件 ${file} 不存在，而此前的备份是用它加密的：请把该密钥（保存在备份介质之外的副本）放回此处（权限 600）后再备份；确已遗失时，由系统管理员在服务器上运行 npm run backup -- --new-key 生成新密钥（此前的备份须用旧密钥才能恢复） / The backup key file ${file} is missing, and earlier backups were encrypted with it: put the key back (from the copy kept apart from the backup media, mode 600) and back up again; if it is truly lost, the system administrator runs npm run backup -- --new-key on the server to make a new one (earlier backups still need the old key)`,
      );
    }
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      // 'wx': two backups starting at once keep the first one's key.
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return { key: readKey(file), created };
}

/** Beside manifest.json: its HMAC under the backup key, so that nobody without the key can alter the manifest. */
export const MANIFEST_MAC = 'manifest.mac';

/**
 * The manifest's authentication by the backup key (HMAC-SHA256 under a key derived for this use
 * alone). manifest.sig (the audit key) says which installation made the backup, but a backup may be
 * restored where that key is not trusted; the backup key is needed there anyway. Without this, who
 * holds the medium could drop a file from the manifest (or put an older backup's file in its place)
 * and delete manifest.sig.
 */
export function manifestMac(key: Buffer, manifestBytes: Buffer): string {
  const macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'dangan-backup-manifest/1', 32));
  return createHmac('sha256', macKey).update(manifestBytes).digest('hex');
}

/** The key for a restore: never made up (a new key opens nothing); null when the file is not there. */
export function loadBackupKey(file: string): Buffer | null {
  return fs.existsSync(file) ? readKey(file) : null;
}

/** What the manifest names the key by: tells a wrong key from a damaged file without revealing the key. */
export const backupKeyId = (key: Buffer) => createHash('sha256').update('dangan-backup-key/1\n').update(key).digest('hex').slice(0, 16);

const fileKey = (key: Buffer, salt: Buffer, rel: string) => Buffer.from(hkdfSync('sha256', key, salt, `dangan-backup-file/1\0${rel}`, 32));

function iv(i: number, last: boolean): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(i, 7);
  b[11] = last ? 1 : 0;
  return b;
}

export interface Digest {
  size: number;
  sha256: string;
}

/** Counts and hashes what passes through. */
function tap(d: { h: ReturnType<typeof createHash>; size: number }) {
  return async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      d.h.update(c);
      d.size += c.length;
      yield c;
    }
  };
}

/** Cuts a stream into pieces of exactly n bytes, holding back the last piece (≤ n, possibly empty) until the end. */
async function* pieces(src: AsyncIterable<Buffer>, n: number): AsyncGenerator<{ piece: Buffer; last: boolean }> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const c of src) {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    // Strictly more than n: only then is it known that this piece is not the last.
    while (buf.length > n) {
      yield { piece: buf.subarray(0, n), last: false };
      buf = buf.subarray(n);
    }
  }
  yield { piece: buf, last: true };
}

function seal(key: Buffer, rel: string) {
  return async function* (src: AsyncIterable<Buffer>) {
    const header = Buffer.concat([MAGIC, randomBytes(16)]);
    const k = fileKey(key, header.subarray(MAGIC.length), rel);
    yield header;
    let i = 0;
    for await (const { piece, last } of pieces(src, CHUNK)) {
      const c = createCipheriv('aes-256-gcm', k, iv(i++, last));
      c.setAAD(header);
      yield Buffer.concat([c.update(piece), c.final(), c.getAuthTag()]);
    }
  };
}

function open(key: Buffer, rel: string) {
  const bad = (zh: string, en: string) => new BackupDecryptError(`${rel}：${zh} / ${rel}: ${en}`);
  return async function* (src: AsyncIterable<Buffer>) {
    let header: Buffer | null = null;
    let k: Buffer | null = null;
    let i = 0;
    let rest: Buffer = Buffer.alloc(0);
    const body = async function* () {
      for await (const c of src) {
        if (header) {
          yield c;
          continue;
        }
        rest = Buffer.concat([rest, c]);
        if (rest.length < HEADER) continue;
        header = rest.subarray(0, HEADER);
        if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw bad('不是加密的备份文件', 'not an encrypted backup file');
        k = fileKey(key, header.subarray(MAGIC.length), rel);
        if (rest.length > HEADER) yield rest.subarray(HEADER);
      }
      if (!header) throw bad('文件不完整（缺少文件头）', 'cut short (no header)');
    };
    for await (const { piece, last } of pieces(body(), CHUNK + TAG)) {
      if (piece.length < TAG) throw bad('文件被截短', 'cut short');
      const d = createDecipheriv('aes-256-gcm', k!, iv(i++, last));
      d.setAAD(header!);
      d.setAuthTag(piece.subarray(piece.length - TAG));
      try {
        yield Buffer.concat([d.update(piece.subarray(0, piece.length - TAG)), d.final()]);
      } catch {
        // A chunk dropped, swapped, altered or cut off all end here: its tag does not match.
        throw bad(`第 ${i} 块解密校验失败（文件被改动、截短或块顺序被调换）`, `chunk ${i} fails its authentication (the file was altered, cut short or reordered)`);
      }
    }
  };
}

/** Encrypts one file into the backup, keeping its permission bits; returns the plaintext's digest and the stored file's. */
export async function encryptFile(from: string, to: string, rel: string, key: Buffer): Promise<{ plain: Digest; stored: Digest }> {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const mode = fs.statSync(from).mode & 0o777;
  const plain = { h: createHash('sha256'), size: 0 };
  const stored = { h: createHash('sha256'), size: 0 };
  await pipeline(fs.createReadStream(from, { highWaterMark: CHUNK }), tap(plain), seal(key, rel), tap(stored), fs.createWriteStream(to, { flags: 'wx', mode }));
  fs.chmodSync(to, mode);
  return { plain: { size: plain.size, sha256: plain.h.digest('hex') }, stored: { size: stored.size, sha256: stored.h.digest('hex') } };
}

/**
 * Decrypts one file of a backup, into `to` (with the stored file's permission bits) or, with `to`
 * null, only to check it. Throws BackupDecryptError for a wrong key or an altered file; returns
 * the plaintext's digest.
 */
export async function decryptFile(from: string, to: string | null, rel: string, key: Buffer): Promise<Digest> {
  const plain = { h: createHash('sha256'), size: 0 };
  const read = fs.createReadStream(from, { highWaterMark: CHUNK + TAG });
  if (to === null) {
    await pipeline(read, open(key, rel), tap(plain), async (src: AsyncIterable<Buffer>) => {
      for await (const _ of src);
    });
  } else {
    const mode = fs.statSync(from).mode & 0o777;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      await pipeline(read, open(key, rel), tap(plain), fs.createWriteStream(to, { mode }));
    } catch (e) {
      fs.rmSync(to, { force: true }); // No half-decrypted file left behind.
      throw e;
    }
    fs.chmodSync(to, mode);
  }
  return { size: plain.size, sha256: plain.h.digest('hex') };
}

/** Whether `mac` (hex) is the manifest's HMAC under the backup key. */
export function manifestMacValid(key: Buffer, manifestBytes: Buffer, mac: string): boolean {
  const want = Buffer.from(manifestMac(key, manifestBytes), 'hex');
  const got = /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(0);
  return got.length === want.length && timingSafeEqual(got, want);
}
