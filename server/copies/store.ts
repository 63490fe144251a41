// SQL of the certified copies: one register row (copy_records) with its request, the names the
// certification page prints, and recording the PDF once.
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';
import type { CopyRow, RequestRow } from '../requests/store.ts';

export interface CopyPdfRow extends CopyRow {
  pdf_sha256: string | null;
  pdf_bytes: number | null;
  pdf_made_by: number | null;
  pdf_made_at: string | null;
  /** A 摘录件's text as the archivist checked it (migration 20261128_1410); null for a copy. */
  extract_text: string | null;
}

export async function findCopy(q: Q, id: number, lock = false): Promise<CopyPdfRow | undefined> {
  const qb = q('copy_records').where({ id });
  return (lock ? forUpdate(q, qb) : qb).first();
}

export async function findRequest(q: Q, id: number): Promise<RequestRow | undefined> {
  return q('utilization_requests').where({ id }).first();
}

export async function findRequestOfInstance(q: Q, instanceId: string): Promise<RequestRow | undefined> {
  return q('utilization_requests').where({ instance_id: instanceId }).first();
}

export async function isApplicant(q: Q, requestId: number, userId: number): Promise<boolean> {
  return !!(await q('request_applicants').where({ request_id: requestId, user_id: userId }).first('id'));
}

/** What the certification page names besides the register row. */
export async function certificationNames(q: Q, row: CopyRow, request: RequestRow) {
  const [cadre, archive, recipient, office, certifier] = await Promise.all([
    q('cadres').where({ id: request.cadre_id }).first('name'),
    q('archives').where({ id: row.archive_id }).first('archive_no'),
    q('org_units').where({ id: row.recipient_org_id }).first('name'),
    q('org_units').where({ id: row.custodian_org_id }).first('name'),
    q('users').where({ id: row.certified_by }).first('display_name'),
  ]);
  return {
    cadreName: String(cadre?.name ?? ''),
    archiveNo: String(archive?.archive_no ?? ''),
    recipientName: String(recipient?.name ?? ''),
    officeName: String(office?.name ?? ''),
    certifiedByName: String(certifier?.display_name ?? ''),
  };
}

export async function setPdf(
  q: Q,
  id: number,
  v: { pdf_file: string; pdf_sha256: string; pdf_bytes: number; pdf_made_by: number; pdf_made_at: string; page_from: number; page_to: number; extract_text?: string },
): Promise<void> {
  await q('copy_records').where({ id }).whereNull('pdf_file').update(v);
}
