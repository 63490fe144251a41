// Does the TOTP key (TOTP_KEY_FILE) open the second factors stored in the database? A database
// restored into a new folder without its key file, or next to another installation's key, holds
// secrets no code can match: nobody with a second factor (the three administrators always) could
// log in, and a key created silently at the next start would make that permanent. The server
// refuses to start and `npm run restore` says which file to copy; `npm run admins:reset-totp` is
// the way out when the key is lost.
import fs from 'node:fs';
import type { Q } from '../db.ts';
import { SecretBox } from './secret-box.ts';

export interface TotpKeyCheck {
  /** 'none': no encrypted secret stored; 'ok': the key opens every one. */
  state: 'none' | 'ok' | 'missing' | 'mismatch';
  keyFile: string;
  /** Encrypted secrets stored (enrolled and pending). */
  sealed: number;
  /** Of those, the ones the key cannot open (all of them when the file is missing). */
  unreadable: number;
  /** Usernames whose secret cannot be opened. */
  users: string[];
}

export async function checkTotpKey(q: Q, keyFile: string): Promise<TotpKeyCheck> {
  const rows: Array<{ username: string; totp_secret: string | null; totp_pending_secret: string | null }> = await q('users')
    .where((w) => w.where('totp_secret', 'like', 'v1:%').orWhere('totp_pending_secret', 'like', 'v1:%'))
    .select('username', 'totp_secret', 'totp_pending_secret');
  const values = rows.flatMap((r) => [r.totp_secret, r.totp_pending_secret].filter((v): v is string => !!v && v.startsWith('v1:')).map((v) => ({ username: r.username, v })));
  if (!values.length) return { state: 'none', keyFile, sealed: 0, unreadable: 0, users: [] };
  if (!fs.existsSync(keyFile)) return { state: 'missing', keyFile, sealed: values.length, unreadable: values.length, users: [...new Set(values.map((x) => x.username))] };
  const box = new SecretBox(keyFile);
  const bad = values.filter((x) => box.open(x.v) === null);
  return { state: bad.length ? 'mismatch' : 'ok', keyFile, sealed: values.length, unreadable: bad.length, users: [...new Set(bad.map((x) => x.username))] };
}

/** What to tell the operator, in Chinese and English; null when all is well. */
export function totpKeyProblem(c: TotpKeyCheck): string | null {
  if (c.state === 'none' || c.state === 'ok') return null;
  const who = c.users.slice(0, 10).join(', ') + (c.users.length > 10 ? ` …(+${c.users.length - 10})` : '');
  const zh =
    c.state === 'missing'
      ? `动态口令密钥文件 ${c.keyFile} 不存在，而数据库中存有 ${c.sealed} 个加密的动态口令（${who}）：请从原安装复制该密钥文件（原数据目录下的 keys/totp-aes256.key，或其 TOTP_KEY_FILE 所指文件，权限 600）再启动；密钥确已丢失时，用 npm run admins:reset-totp 重置动态口令`
      : `动态口令密钥文件 ${c.keyFile} 无法解密数据库中 ${c.unreadable} 个动态口令（${who}）：这是另一安装的密钥。请换成原安装的密钥文件（原数据目录下的 keys/totp-aes256.key）；密钥确已丢失时，用 npm run admins:reset-totp 重置动态口令`;
  const en =
    c.state === 'missing'
      ? `The TOTP key file ${c.keyFile} does not exist, yet the database holds ${c.sealed} encrypted TOTP secrets (${who}): copy the key file from the old installation (keys/totp-aes256.key in its data folder, or the file its TOTP_KEY_FILE names; mode 600), then start again. If the key is truly lost, reset the second factors with npm run admins:reset-totp -- <username> | --unreadable`
      : `The TOTP key file ${c.keyFile} cannot decrypt ${c.unreadable} TOTP secrets in the database (${who}): it is another installation's key. Put the old installation's key file (keys/totp-aes256.key in its data folder) in its place. If the key is truly lost, reset the second factors with npm run admins:reset-totp -- <username> | --unreadable`;
  return `${zh} / ${en}`;
}
