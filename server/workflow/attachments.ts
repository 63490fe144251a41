// Attachments of a case (审批表扫描件, 证明材料 …): an allow-list of types decided by the file's own
// bytes, a size limit and a per-case count, files under <DANGAN_DATA_DIR>/attachments/ named by ids
// only, sha256 recorded and checked on every download, and every upload and download audited.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError, errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import * as engineStore from '../engine/store.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as store from './cases-store.ts';
import { assertMayContribute, canReadCase } from './scope.ts';
import { assertReadsCase, caseRead } from './case-reads.ts';

import { ATTACHMENT_TYPES, bytesMatch } from '../../shared/attachment-types.ts';

export { ATTACHMENT_TYPES };


/** A display name safe to store and to send back: no path, no control characters, bounded. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').trim().slice(-200);
}

/** The allowed type of these bytes under this name, or a 415 naming what is accepted. */
export function sniffType(fileName: string, bytes: Buffer): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const spec = ATTACHMENT_TYPES[ext];
  const accepted = Object.keys(ATTACHMENT_TYPES).join(', ');
  if (!spec) {
    throw new AppError(415, 'ATTACHMENT_TYPE', `不支持的文件类型，可上传：${accepted} / File type not accepted; allowed: ${accepted}`, { accepted });
  }
  if (!bytesMatch(ext, bytes)) {
    throw new AppError(415, 'ATTACHMENT_TYPE', `文件内容与扩展名 .${ext} 不符 / The file's content is not ${ext}`, { accepted });
  }
  return spec.type;
}

export class AttachmentService {
  readonly root: string;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly cfg: Config['attachments'],
    dataDir: string,
  ) {
    this.root = path.join(dataDir, 'attachments');
  }

  private dto(r: store.AttachmentRow & { uploader_name?: string }) {
    return {
      id: r.id,
      fileName: r.file_name,
      contentType: r.content_type,
      size: Number(r.size_bytes),
      sha256: r.sha256,
      uploaderId: r.uploader_id,
      uploaderName: r.uploader_name ?? null,
      createdAt: r.created_at,
    };
  }

  /** Audited `case.attachments` with the count only (a 404 as denied). */
  async list(user: SessionUser, ip: string | null, instanceId: string) {
    await assertReadsCase(this.db, this.audit, user, ip, instanceId, 'case.attachments');
    const rows = await store.attachmentsOf(this.db, instanceId);
    await caseRead(this.audit, user, ip, instanceId, 'case.attachments', { returned: rows.length });
    return rows.map((r) => this.dto(r));
  }

  async upload(user: SessionUser, ip: string, instanceId: string, rawName: string, bytes: Buffer) {
    const fileName = cleanFileName(rawName);
    if (!fileName || fileName.startsWith('.')) throw errors.validation([{ field: 'filename', message: '文件名无效 / invalid file name' }]);
    await assertMayContribute(this.db, user, instanceId);
    if (bytes.length === 0) throw errors.validation([{ field: 'body', message: '文件为空 / the file is empty' }]);
    if (bytes.length > this.cfg.maxBytes) throw new AppError(413, 'ATTACHMENT_TOO_LARGE', `文件超过 ${this.cfg.maxBytes / 1048576} MB / File too large`, { maxBytes: this.cfg.maxBytes });
    const contentType = sniffType(fileName, bytes);

    const id = randomUUID();
    const storageKey = path.posix.join(instanceId, id);
    const file = path.join(this.root, storageKey);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.part`;
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, file);
    const row: store.AttachmentRow = {
      id,
      instance_id: instanceId,
      uploader_id: user.id,
      file_name: fileName,
      content_type: contentType,
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      storage_key: storageKey,
      created_at: iso(this.clock.now()),
    };
    try {
      await this.db.transaction(async (trx) => {
        const inst = await engineStore.lockInstance(trx, instanceId);
        if (!inst) throw errors.notFound('Process instance');
        if (!engineStore.isLive(inst.status)) throw errors.instanceNotActive(inst.status);
        if ((await store.countAttachments(trx, instanceId)) >= this.cfg.maxPerCase) {
          throw errors.conflict('TOO_MANY_ATTACHMENTS', `每个案件最多 ${this.cfg.maxPerCase} 个附件 / At most ${this.cfg.maxPerCase} attachments per case`);
        }
        await store.insertAttachment(trx, row);
        await this.audit.record(trx, {
          actor: user,
          ip,
          action: 'attachment.upload',
          objectType: 'case_attachment',
          objectId: id,
          detail: { instanceId, size: row.size_bytes, sha256: row.sha256, contentType },
        });
      });
    } catch (e) {
      // Nothing half-done: a refused upload leaves no file behind.
      fs.rmSync(file, { force: true });
      throw e;
    }
    return this.dto({ ...row, uploader_name: user.displayName });
  }

  /** The file, checked against its recorded sha256; each download is audited, a 404 as denied. */
  async download(user: SessionUser, ip: string, attachmentId: string) {
    const row = await store.findAttachment(this.db, attachmentId);
    if (!row || !(await canReadCase(this.db, user, row.instance_id))) {
      await this.audit.record(null, {
        actor: user,
        ip,
        action: 'attachment.download',
        outcome: 'denied',
        objectType: 'case_attachment',
        objectId: attachmentId,
        detail: { reason: 'absent_or_out_of_scope' },
      });
      throw errors.notFound('Attachment');
    }
    const bytes = fs.readFileSync(path.join(this.root, row.storage_key));
    if (createHash('sha256').update(bytes).digest('hex') !== row.sha256) {
      throw new AppError(500, 'ATTACHMENT_CORRUPT', '附件已损坏，请联系系统管理员 / The stored file does not match its checksum');
    }
    await this.audit.record(null, {
      actor: user,
      ip,
      action: 'attachment.download',
      objectType: 'case_attachment',
      objectId: row.id,
      detail: { instanceId: row.instance_id },
    });
    return { bytes, fileName: row.file_name, contentType: row.content_type };
  }
}
