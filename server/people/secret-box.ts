// TOTP secrets at rest: AES-256-GCM under a key held in a file outside the database (like the audit
// signing key), so a copy of the database or of a backup does not hand out anybody's second factor.
// Stored form: `v1:<iv>:<tag>:<ciphertext>` (base64). A value without the prefix is a secret written
// in clear (demo seed, an older installation, a tool): it is read as it is, and `sealClearSecrets`
// (run at every start) encrypts it in place.
import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Q } from '../db.ts';
import { AppError } from '../errors.ts';

const PREFIX = 'v1:';

export class SecretBox {
  private key: Buffer | null = null;

  constructor(private readonly keyFile: string) {}

  /** Loads the key, creating 32 random bytes (0600, in a 0700 folder) if there is none yet. */
  private load(): Buffer {
    if (this.key) return this.key;
    if (!fs.existsSync(this.keyFile)) {
      fs.mkdirSync(path.dirname(this.keyFile), { recursive: true, mode: 0o700 });
      try {
        // 'wx': a second server creating the key at the same moment keeps the first one's key.
        fs.writeFileSync(this.keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    const mode = fs.statSync(this.keyFile).mode & 0o777;
    if (mode & 0o077) {
      throw new AppError(500, 'TOTP_KEY_UNSAFE', `动态口令密钥文件权限过宽 / The TOTP key file ${this.keyFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    const key = Buffer.from(fs.readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new AppError(500, 'TOTP_KEY_INVALID', `The TOTP key file ${this.keyFile} does not hold 32 bytes in base64`);
    this.key = key;
    return key;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.load(), iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  /** The secret in clear; null when it was sealed under another key or changed (no code can match). */
  open(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return stored;
    const [iv, tag, body] = stored.slice(PREFIX.length).split(':');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.load(), Buffer.from(iv ?? '', 'base64'));
      decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64')), decipher.final()]).toString('utf8');
    } catch (e) {
      if (e instanceof AppError) throw e;
      return null;
    }
  }

  /** Encrypts every secret still stored in clear; returns how many. */
  async sealClearSecrets(q: Q): Promise<number> {
    let n = 0;
    for (const column of ['totp_secret', 'totp_pending_secret'] as const) {
      const rows = await q('users').whereNotNull(column).whereNot(column, 'like', `${PREFIX}%`).select('id', column);
      for (const r of rows) {
        await q('users').where({ id: r.id }).update({ [column]: this.seal(r[column]) });
        n++;
      }
    }
    return n;
  }
}
