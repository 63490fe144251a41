// Unwatermarked derivatives of page scans — the page at screen width and the thumbnail — cached
// under <DANGAN_DATA_DIR>/derivatives/<sha[0:2]>/<sha256>-<width>.jpg. Keyed by the scan's recorded
// sha256 (checked when the derivative is made), so a replaced scan never meets a stale derivative.
// These files are clean: they are inputs of watermarkPage and never leave the server as they are.
// Watermarked images are never cached (they carry one reader's name and the minute).
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { errors } from '../errors.ts';

export class Derivatives {
  readonly dir: string;
  /** Derivatives being made: parallel requests for the same one (a thumbnail strip) share the work. */
  private readonly pending = new Map<string, Promise<Buffer>>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'derivatives');
  }

  fileOf(sha256: string, width: number): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}-${width}.jpg`);
  }

  /** The clean scan at `scanFile` scaled down to `width` (never enlarged), as JPEG. */
  async get(scanFile: string, sha256: string, width: number): Promise<Buffer> {
    const file = this.fileOf(sha256, width);
    try {
      return await fs.promises.readFile(file);
    } catch {
      // not made yet
    }
    let job = this.pending.get(file);
    if (!job) {
      job = this.make(scanFile, sha256, width, file).finally(() => this.pending.delete(file));
      this.pending.set(file, job);
    }
    return job;
  }

  private async make(scanFile: string, sha256: string, width: number, file: string): Promise<Buffer> {
    let source: Buffer;
    try {
      source = await fs.promises.readFile(scanFile);
    } catch {
      throw errors.notFound('Page');
    }
    if (createHash('sha256').update(source).digest('hex') !== sha256) {
      throw errors.conflict('SCAN_CHANGED', '图像文件与登记的校验值不符 / The image file does not match its recorded hash');
    }
    const data = await sharp(source, { limitInputPixels: 100_000_000 })
      .autoOrient()
      .resize({ width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 88 })
      .toBuffer();
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(tmp, data, { mode: 0o600 });
    await fs.promises.rename(tmp, file); // atomic: a reader never sees half a file
    return data;
  }
}
