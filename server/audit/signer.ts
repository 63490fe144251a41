// The key that signs audit checkpoints: an Ed25519 private key in a file outside the database
// (default <data dir>/keys/audit-ed25519.pem, AUDIT_KEY_FILE to move it), generated on first use
// with mode 0600. Verification trusts this key's public half and any retired public keys kept as
// `*.pub.pem` beside it. Each checkpoint is also appended to a witness file in the key folder, so
// someone who can change the database but not the server's files cannot quietly remove checkpoints.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../errors.ts';

export interface CheckpointPayload {
  seq: number;
  hash: string;
  at: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  keyId: string;
  signature: string;
}

/** The exact bytes that are signed: {seq, hash, at} as JSON in this key order. */
export const checkpointMessage = (p: CheckpointPayload): Buffer =>
  Buffer.from(JSON.stringify({ seq: Number(p.seq), hash: p.hash, at: p.at }), 'utf8');

export const keyIdOf = (pub: KeyObject): string =>
  createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);

export class CheckpointSigner {
  private privateKey: KeyObject | null = null;
  private ownKeyId: string | null = null;

  /** An empty keyFile makes a signer that can verify nothing and refuses to sign (no key configured). */
  constructor(readonly keyFile: string) {}

  get keyDir(): string {
    return path.dirname(this.keyFile);
  }

  get witnessFile(): string {
    return path.join(this.keyDir, 'audit-checkpoints.jsonl');
  }

  /** Loads the key, creating it (0600, in a 0700 folder) if there is none yet. */
  private load(): KeyObject {
    if (this.privateKey) return this.privateKey;
    if (!this.keyFile) throw new AppError(500, 'AUDIT_KEY_MISSING', 'No audit key file is configured');
    if (!fs.existsSync(this.keyFile)) {
      fs.mkdirSync(this.keyDir, { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      try {
        // 'wx': a second server creating the key at the same moment keeps the first one's key.
        fs.writeFileSync(this.keyFile, pem, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    const mode = fs.statSync(this.keyFile).mode & 0o777;
    if (mode & 0o077) {
      throw new AppError(500, 'AUDIT_KEY_UNSAFE', `审计签名密钥文件权限过宽 / The audit key file ${this.keyFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    this.privateKey = createPrivateKey(fs.readFileSync(this.keyFile));
    if (this.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new AppError(500, 'AUDIT_KEY_INVALID', `The audit key file ${this.keyFile} is not an Ed25519 private key`);
    }
    this.ownKeyId = keyIdOf(createPublicKey(this.privateKey));
    return this.privateKey;
  }

  keyId(): string {
    this.load();
    return this.ownKeyId!;
  }

  /** The public key in PEM, for backups and for installations that verify elsewhere. */
  publicKeyPem(): string {
    return createPublicKey(this.load()).export({ type: 'spki', format: 'pem' }) as string;
  }

  sign(p: CheckpointPayload): SignedCheckpoint {
    const key = this.load();
    return { ...p, keyId: this.ownKeyId!, signature: sign(null, checkpointMessage(p), key).toString('base64') };
  }

  /** Public keys trusted for verification, by key id: ours (if a key exists) and the retired ones. */
  trustedKeys(): Map<string, KeyObject> {
    const keys = new Map<string, KeyObject>();
    if (!this.keyFile) return keys;
    if (fs.existsSync(this.keyFile)) {
      const pub = createPublicKey(this.load());
      keys.set(keyIdOf(pub), pub);
    }
    if (fs.existsSync(this.keyDir)) {
      for (const f of fs.readdirSync(this.keyDir).filter((n) => n.endsWith('.pub.pem'))) {
        try {
          const pub = createPublicKey(fs.readFileSync(path.join(this.keyDir, f)));
          keys.set(keyIdOf(pub), pub);
        } catch {
          // An unreadable file trusts nothing; verification then reports the checkpoints it cannot check.
        }
      }
    }
    return keys;
  }

  static isValid(cp: SignedCheckpoint, keys: Map<string, KeyObject>): boolean {
    const pub = keys.get(cp.keyId);
    if (!pub) return false;
    try {
      return verify(null, checkpointMessage(cp), pub, Buffer.from(cp.signature, 'base64'));
    } catch {
      return false;
    }
  }

  /** Appends committed checkpoints to the witness file; a failure is reported, never fatal. */
  appendWitness(cps: SignedCheckpoint[]): void {
    if (!cps.length || !this.keyFile) return;
    fs.mkdirSync(this.keyDir, { recursive: true, mode: 0o700 });
    fs.appendFileSync(this.witnessFile, cps.map((c) => JSON.stringify(c)).join('\n') + '\n', { mode: 0o600 });
  }

  readWitness(): SignedCheckpoint[] {
    if (!this.keyFile || !fs.existsSync(this.witnessFile)) return [];
    const out: SignedCheckpoint[] = [];
    for (const line of fs.readFileSync(this.witnessFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const c = JSON.parse(line);
        out.push({ seq: Number(c.seq), hash: String(c.hash), at: String(c.at), keyId: String(c.keyId), signature: String(c.signature) });
      } catch {
        // A torn last line (crash while appending) is skipped.
      }
    }
    return out;
  }
}
