// 库房核对 (DOMAIN.md §1.7: the registers are checked against the holdings every year). An archivist
// of an office opens a check: it lists every archive the register has on the shelf (在库, 离退休,
// 去世) with its number and place at that moment, and counts those away (借出, 数字化, 转出中). The
// office's staff mark each archive found — in its place, or elsewhere with where — or missing, by
// its number as on the spine; the chief closes the check, with a note when archives are left
// unchecked, and may set the register's place of each archive found elsewhere to where it stands.
// An archive of the office not on the list (away when the check opened, or held since) that is
// scanned on the shelf is added to the check and marked: the shelf is what a check records, and an
// archive found while the register has it away keeps that status on its item — the discrepancy the
// check exists to find (the register itself changes only through the loan, batch or transfer).
//
// Scope: the caller's archive offices (custodianOffices); leaders above read. One open check per
// office. A cadre the caller must avoid (self, relative, avoidance list) is neither listed nor
// markable by that caller; it still counts in the totals and another colleague checks it.
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { SessionUser } from '../people/sessions.ts';
import { assertKept, relocateArchive } from '../archives/archives.ts';
import { ARCHIVE_STATUSES, AWAY, GONE, type ArchiveStatus } from '../archives/codes.ts';
import { beijingDay } from '../notify/beijing.ts';
import { ITEM_RESULTS, ITEM_RESULT_CODES, type ItemResult } from './codes.ts';
import * as store from './store.ts';
import type { ItemRow } from './store.ts';

type Place = { storeRoom: string; cabinet: string; shelf: string };

const placeOf = (store_room: string | null, cabinet: string | null, shelf: string | null) => ({ storeRoom: store_room, cabinet, shelf });
const samePlace = (i: ItemRow, p: Place) => (i.store_room ?? '') === p.storeRoom && (i.cabinet ?? '') === p.cabinet && (i.shelf ?? '') === p.shelf;

function itemDto(i: ItemRow & { cadre_id: number; cadre_name?: string; checked_by_name?: string | null }) {
  return {
    archiveId: i.archive_id,
    archiveNo: i.archive_no,
    cadreId: i.cadre_id,
    cadreName: i.cadre_name ?? null,
    expected: placeOf(i.store_room, i.cabinet, i.shelf),
    result: i.result,
    resultLabel: ITEM_RESULTS[i.result].zh,
    found: i.result === 'misplaced' ? placeOf(i.found_store_room, i.found_cabinet, i.found_shelf) : null,
    note: i.note,
    checkedAt: i.checked_at,
    checkedByName: i.checked_by_name ?? null,
    added: !!i.added,
    registerAway: i.register_status ? { status: i.register_status, label: ARCHIVE_STATUSES[i.register_status as ArchiveStatus]?.zh ?? i.register_status } : null,
  };
}

function progressOf(counts: Record<string, number>) {
  const byResult = Object.fromEntries(ITEM_RESULT_CODES.map((r) => [r, counts[r] ?? 0])) as Record<ItemResult, number>;
  const total = ITEM_RESULT_CODES.reduce((a, r) => a + byResult[r], 0);
  return { total, checked: total - byResult.unchecked, byResult };
}

export class StockChecks {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
  ) {}

  /** The check if it belongs to one of the caller's offices; else an audited denial and 404. */
  private async checkInScope(user: SessionUser, ip: string, id: number, action: string): Promise<store.NamedCheckRow> {
    const [check] = await store.namedChecks(this.db, { id });
    if (check && (await this.access.custodianOffices(this.db, user)).includes(check.custodian_org_id)) return check;
    await this.audit.record(null, { actor: user, ip, action, objectType: 'stock_check', objectId: id, outcome: 'denied', detail: { reason: check ? 'out_of_scope' : 'absent' } });
    throw errors.notFound('Stock check');
  }

  async start(user: SessionUser, ip: string, body: { custodianOrgId?: number; title?: string }) {
    const offices = await this.access.custodianOffices(this.db, user);
    const office = body.custodianOrgId ?? (offices.length === 1 ? offices[0] : undefined);
    if (office === undefined || !offices.includes(office)) {
      await this.audit.record(null, { actor: user, ip, action: 'stock_check.start', objectType: 'org_unit', objectId: body.custodianOrgId, outcome: 'denied', detail: { reason: 'out_of_scope' } });
      throw errors.notFound('Archive office');
    }
    const id = await this.db.transaction(async (trx) => {
      const open = await store.openCheckOf(trx, office);
      if (open) throw errors.conflict('STOCK_CHECK_OPEN', `本室已有进行中的核对“${open.title}” / The office already has an open stock check`, { id: open.id });
      const now = this.clock.now();
      const title = body.title ?? `${beijingDay(now).slice(0, 4)}年度库房核对`;
      const newId = await store.insertCheck(trx, { custodian_org_id: office, title, started_by: user.id, started_at: iso(now) });
      await this.audit.record(trx, { actor: user, ip, action: 'stock_check.start', objectType: 'stock_check', objectId: newId, detail: { office } });
      return newId;
    });
    return this.get(user, ip, id);
  }

  async list(user: SessionUser, ip: string, f: { custodianOrgId?: number }) {
    const offices = await this.access.custodianOffices(this.db, user);
    if (f.custodianOrgId !== undefined && !offices.includes(f.custodianOrgId)) throw errors.notFound('Archive office');
    const rows = await store.namedChecks(this.db, { offices: f.custodianOrgId !== undefined ? [f.custodianOrgId] : offices });
    await this.audit.record(null, { actor: user, ip, action: 'stock_check.list', objectType: 'stock_check', detail: { returned: rows.length } });
    const counts = await store.resultCounts(this.db, rows.map((r) => r.id));
    return { items: rows.map((r) => this.checkDto(r, counts.get(r.id)!)) };
  }

  private checkDto(c: store.NamedCheckRow, counts: Record<string, number>) {
    return {
      id: c.id,
      custodianOrgId: c.custodian_org_id,
      officeName: c.office_name,
      title: c.title,
      status: c.status,
      startedAt: c.started_at,
      startedByName: c.started_by_name,
      away: c.away,
      closedAt: c.closed_at,
      closedByName: c.closed_by_name,
      closeNote: c.close_note,
      locationsFixed: c.locations_fixed,
      progress: progressOf(counts),
    };
  }

  async get(user: SessionUser, ip: string, id: number) {
    const check = await this.checkInScope(user, ip, id, 'stock_check.view');
    const counts = await store.resultCounts(this.db, [id]);
    await this.audit.record(null, { actor: user, ip, action: 'stock_check.view', objectType: 'stock_check', objectId: id });
    return this.checkDto(check, counts.get(id)!);
  }

  async items(user: SessionUser, ip: string, id: number, f: { result?: ItemResult; q?: string; offset: number; limit: number }) {
    await this.checkInScope(user, ip, id, 'stock_check.view');
    const excludedCadreIds = await this.access.excludedCadreIds(this.db, user.id);
    const { total, rows } = await store.listItems(this.db, id, { result: f.result, q: f.q, excludedCadreIds }, f);
    await this.audit.record(null, { actor: user, ip, action: 'stock_check.items', objectType: 'stock_check', objectId: id, detail: { total, returned: rows.length } });
    return { total, items: rows.map(itemDto) };
  }

  /**
   * Marks an archive, found by its number, as found (in its place, or elsewhere when `place` differs
   * from the register's) or missing. A later mark replaces an earlier one while the check is open.
   */
  async mark(user: SessionUser, ip: string, id: number, body: { archiveNo: string; result: 'found' | 'missing'; place?: Place; note?: string }) {
    await this.checkInScope(user, ip, id, 'stock_check.mark');
    const excluded = new Set(await this.access.excludedCadreIds(this.db, user.id));
    return this.db.transaction(async (trx) => {
      const check = (await store.lockCheck(trx, id))!;
      if (check.status !== 'open') throw errors.conflict('STOCK_CHECK_CLOSED', '本次核对已结束 / The stock check is closed');
      const notInCheck = () =>
        errors.rule('not_in_check', `档案号 ${body.archiveNo} 不在本次核对的范围内，请核对档案号 / Archive ${body.archiveNo} is not in this stock check; check the number`, {
          archiveNo: body.archiveNo,
        });
      let item = await store.itemByNo(trx, id, body.archiveNo);
      if (item && excluded.has(item.cadre_id)) throw notInCheck();
      if (!item) item = await this.addFound(trx, check, excluded, body, notInCheck);
      // Transferred out (or handed to the state archives) since the check opened: no longer the office's to mark.
      assertKept({ id: item.archive_id, status: item.archive_status });
      const elsewhere = body.result === 'found' && body.place !== undefined && !samePlace(item, body.place);
      const result: ItemResult = body.result === 'missing' ? 'missing' : elsewhere ? 'misplaced' : 'found';
      // Found on a shelf while the register has it away (借出, 数字化, 转出中 — since the check opened,
      // or already then and so added now): the mark stands — that is what the shelf shows — and the
      // item keeps the register's status, so the check's list shows where the two disagree.
      const awayNow = result !== 'missing' && AWAY.includes(item.archive_status) ? (item.archive_status as ArchiveStatus) : null;
      const patch = {
        result,
        found_store_room: elsewhere ? body.place!.storeRoom : null,
        found_cabinet: elsewhere ? body.place!.cabinet : null,
        found_shelf: elsewhere ? body.place!.shelf : null,
        note: body.note ?? null,
        checked_by: user.id,
        checked_at: iso(this.clock.now()),
        register_status: awayNow,
      };
      await store.updateItem(trx, item.id, patch);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'stock_check.mark',
        objectType: 'archive',
        objectId: item.archive_id,
        detail: { check: id, result, was: item.result, ...(awayNow ? { awayNow } : {}), ...(item.added && item.result === 'unchecked' ? { added: true } : {}) },
      });
      return {
        ...itemDto({ ...item, ...patch, checked_by_name: user.displayName }),
        awayNow: awayNow && { status: awayNow, label: ARCHIVE_STATUSES[awayNow].zh },
      };
    });
  }

  /**
   * An archive of the office not on the check's list — away (借出, 数字化中, 转出中) when the check
   * opened, or held since — found on the shelf: added to the check with the register's number and
   * place now, so that the mark records what the shelf shows. Not found, it is not the check's to
   * mark (the register does not expect it on the shelf): the answer says where the register has it.
   */
  private async addFound(
    trx: Trx,
    check: store.StockCheckRow,
    excluded: Set<number>,
    body: { archiveNo: string; result: 'found' | 'missing' },
    notInCheck: () => Error,
  ): Promise<store.MarkableItem> {
    const archive = await store.heldArchiveByNo(trx, check.custodian_org_id, body.archiveNo);
    if (!archive || excluded.has(archive.cadre_id)) throw notInCheck();
    assertKept({ id: archive.id, status: archive.status });
    if (body.result === 'missing') {
      const status = archive.status as ArchiveStatus;
      const loan = status === 'on_loan' ? await store.openLoanOf(trx, archive.id) : undefined;
      const since = loan ? `（${beijingDay(new Date(loan.checked_out_at))} 借出）` : '';
      const sinceEn = loan ? ` since ${beijingDay(new Date(loan.checked_out_at))}` : '';
      throw errors.rule(
        'not_in_check',
        AWAY.includes(status)
          ? `档案号 ${archive.archive_no} 登记为「${ARCHIVE_STATUSES[status].zh}」${since}，不在本次核对的清单上，不在架上无须标记；若在架上找到，请标记在架 / Archive ${archive.archive_no} is ${ARCHIVE_STATUSES[status].en.toLowerCase()}${sinceEn} in the register and not on this check's list: there is nothing to mark while it is away; if it stands on the shelf, mark it found`
          : `档案号 ${archive.archive_no} 在本次核对开始后才登记在架，不在清单上；若在架上找到，请标记在架 / Archive ${archive.archive_no} came on the shelf after this check opened and is not on its list; if it stands on the shelf, mark it found`,
        { archiveNo: archive.archive_no, status, checkedOutAt: loan?.checked_out_at ?? null },
      );
    }
    const row = {
      check_id: check.id,
      archive_id: archive.id,
      archive_no: archive.archive_no,
      store_room: archive.store_room,
      cabinet: archive.cabinet,
      shelf: archive.shelf,
      result: 'unchecked' as const,
      found_store_room: null,
      found_cabinet: null,
      found_shelf: null,
      note: null,
      checked_by: null,
      checked_at: null,
      added: true,
      register_status: null,
    };
    const itemId = await store.insertItem(trx, row);
    return { ...row, id: itemId, cadre_id: archive.cadre_id, cadre_name: archive.cadre_name, archive_status: archive.status };
  }

  /**
   * Closes a check (the chief). Archives left unchecked need a note saying why; `fixLocations` sets
   * the register's place of every archive found elsewhere to where it was found.
   */
  async close(user: SessionUser, ip: string, id: number, body: { note?: string; fixLocations: boolean }) {
    await this.checkInScope(user, ip, id, 'stock_check.close');
    await this.db.transaction(async (trx) => {
      const check = (await store.lockCheck(trx, id))!;
      if (check.status !== 'open') throw errors.conflict('STOCK_CHECK_CLOSED', '本次核对已结束 / The stock check is closed');
      const { byResult } = progressOf((await store.resultCounts(trx, [id])).get(id)!);
      const note = body.note?.trim() || null;
      if (byResult.unchecked && !note) {
        throw errors.validation([{ field: 'note', message: `还有 ${byResult.unchecked} 份档案未核对，结束须写明原因 / ${byResult.unchecked} archives are not checked; say why` }]);
      }
      if (body.fixLocations) {
        for (const i of await store.misplacedItems(trx, id)) {
          // Left the office since the check opened (转出, or custody moved): its place is no longer ours to set.
          if (GONE.includes(i.archive_status) || i.custodian_org_id !== check.custodian_org_id) continue;
          await relocateArchive(trx, this.clock, {
            archiveId: i.archive_id,
            place: placeOf(i.found_store_room, i.found_cabinet, i.found_shelf),
            reason: `库房核对“${check.title}”位置更正 / stock check`,
            actor: { id: user.id, username: user.username },
          });
        }
      }
      await store.closeCheck(trx, id, { closed_by: user.id, closed_at: iso(this.clock.now()), close_note: note, locations_fixed: body.fixLocations });
      await this.audit.record(trx, { actor: user, ip, action: 'stock_check.close', objectType: 'stock_check', objectId: id, detail: { ...byResult, fixLocations: body.fixLocations } });
    });
    return this.get(user, ip, id);
  }
}
