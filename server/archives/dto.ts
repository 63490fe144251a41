// Rows → API objects (camelCase), with the code labels a screen shows.
import { ARCHIVE_KINDS, ARCHIVE_STATUSES, DIGITAL_STATUSES, GENDERS, MANAGEMENT_LEVELS, awaitingShelving } from './codes.ts';
import type { CadreRow, FamilyMemberRow, FieldHistoryRow, CustodyRangeRow } from './store.ts';
import type { ArchiveRow, DigitalHistoryRow, StatusHistoryRow } from './archive-store.ts';
import type { MaterialRow, PageImageRow } from './catalog-store.ts';
import { parseJson } from '../db.ts';
import { idNumberBirthDate } from './validate.ts';
import type { AutoBack } from './digital-note.ts';
import type { SystemReason } from './status-reason.ts';

const label = (table: Record<string, { zh: string }>, code: string) => table[code]?.zh ?? code;

export const cadreDto = (c: CadreRow, unitName: string) => ({
  id: c.id,
  name: c.name,
  gender: c.gender,
  genderLabel: label(GENDERS, c.gender),
  birthDate: c.birth_date,
  birthDateRuling: c.birth_date_ruling ?? null,
  idNumberBirthDate: idNumberBirthDate(c.id_number) === c.birth_date ? null : idNumberBirthDate(c.id_number),
  ethnicity: c.ethnicity,
  nativePlace: c.native_place,
  politicalStatus: c.political_status,
  partyJoinDate: c.party_join_date,
  workStartDate: c.work_start_date,
  idNumber: c.id_number,
  education: c.education,
  degree: c.degree,
  unitId: c.org_unit_id,
  unitName,
  post: c.post,
  managementLevel: c.management_level,
  managementLevelLabel: label(MANAGEMENT_LEVELS, c.management_level),
});

export const familyDto = (f: FamilyMemberRow) => ({
  id: f.id,
  name: f.name,
  relation: f.relation,
  birthDate: f.birth_date,
  relatedCadreId: f.related_cadre_id,
  workUnit: f.work_unit,
});

export const historyDto = (h: FieldHistoryRow) => ({
  field: h.field,
  version: h.version,
  oldValue: h.old_value,
  newValue: h.new_value,
  basisMaterialId: h.basis_material_id,
  basisInstanceId: h.basis_instance_id,
  basisDocument: h.basis_document ?? null,
  actor: h.actor_name,
  at: h.at,
});

/**
 * An archive as the register shows it. `awaitingShelving`: received, no place yet (入库 gives one);
 * `senderNumber`: its number is still the sending office's, to be replaced at 入库.
 */
export const archiveDto = (a: ArchiveRow, custodian: { name: string; code: string }) => ({
  id: a.id,
  cadreId: a.cadre_id,
  archiveNo: a.archive_no,
  kind: a.kind,
  kindLabel: label(ARCHIVE_KINDS, a.kind),
  volumes: a.volumes,
  custodianOrgId: a.custodian_org_id,
  custodianName: custodian.name,
  location: { storeRoom: a.store_room, cabinet: a.cabinet, shelf: a.shelf },
  awaitingShelving: awaitingShelving(a),
  senderNumber: awaitingShelving(a) && !a.archive_no.startsWith(`${custodian.code}-`),
  status: a.status,
  statusLabel: label(ARCHIVE_STATUSES, a.status),
  digitalStatus: a.digital_status,
  digitalStatusLabel: label(DIGITAL_STATUSES, a.digital_status),
});

export const statusHistoryDto = (h: StatusHistoryRow & { actor_name?: string | null }) => ({
  fromStatus: h.from_status,
  toStatus: h.to_status,
  reason: h.reason,
  systemReason: parseJson<SystemReason | null>(h.system_reason ?? null, null),
  instanceId: h.instance_id,
  actorId: h.actor_id,
  actorName: h.actor_name ?? null,
  at: h.at,
});

export const digitalHistoryDto = (h: DigitalHistoryRow & { actor_name: string | null }) => ({
  fromStatus: h.from_status,
  toStatus: h.to_status,
  note: h.note,
  autoBack: parseJson<AutoBack | null>(h.auto_back, null),
  actorId: h.actor_id,
  actorName: h.actor_name,
  at: h.at,
  checked: h.checked,
});

export const materialDto = (m: MaterialRow, scannedPages?: number) => ({
  id: m.id,
  archiveId: m.archive_id,
  categoryCode: m.category_code,
  itemNo: m.item_no,
  revision: m.revision,
  seqNo: m.seq_no,
  title: m.title,
  formedDate: m.formed_date,
  pages: m.pages,
  isCopy: m.is_copy,
  copyDate: m.copy_date,
  remark: m.remark,
  producerOrgId: m.producer_org_id,
  supersedesMaterialId: m.supersedes_material_id,
  filedAt: m.filed_at,
  ...(scannedPages !== undefined ? { scannedPages } : {}),
});

export const pageDto = (p: PageImageRow) => ({
  pageNo: p.page_no,
  format: p.format,
  sha256: p.sha256,
  dpi: p.dpi,
  colourMode: p.colour_mode,
  width: p.width,
  height: p.height,
  bytes: p.bytes,
});

export const custodyDto = (r: CustodyRangeRow) => ({
  id: r.id,
  custodianOrgId: r.custodian_org_id,
  rootOrgId: r.root_org_id,
  managementLevels: parseJson<string[]>(r.management_levels, []),
  archiveKind: r.archive_kind,
  note: r.note,
});
