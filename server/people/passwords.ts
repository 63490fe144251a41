// Password hashing with scrypt from node:crypto. Format: scrypt$N$r$p$salt$hash (base64).
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * scrypt's cost N of new hashes (PASSWORD_SCRYPT_N): 2^14, ~35 ms of CPU a check on this machine.
 * A hash keeps the N it was made with, so a changed setting applies to passwords set after it.
 */
export const DEFAULT_SCRYPT_N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export async function hashPassword(password: string, n = DEFAULT_SCRYPT_N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r: R, p: P });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts;
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password.normalize('NFC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spent on unknown usernames so that timing does not reveal which accounts exist: a check at the N of new hashes. */
const dummies = new Map<number, Promise<string>>();
export async function burnPasswordCheck(password: string, n = DEFAULT_SCRYPT_N): Promise<void> {
  if (!dummies.has(n)) dummies.set(n, hashPassword('not-a-real-password', n));
  await verifyPassword(password, await dummies.get(n)!);
}

const INITIAL_SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#%+=?!'];

/**
 * A random initial password (shown once to the system administrator, changed at first login):
 * 16 characters with every class, without look-alikes (0/O, 1/l/I).
 */
export function generateInitialPassword(length = 16): string {
  const all = INITIAL_SETS.join('');
  const pick = (set: string) => set[randomInt(set.length)];
  const chars = INITIAL_SETS.map(pick);
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
