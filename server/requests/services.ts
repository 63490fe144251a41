// Domain services that the borrowing process calls from its service tasks.
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';

const MODES: Record<string, string> = { electronic: '电子查阅', onsite: '现场查阅', loan: '借出纸质档案' };

/**
 * Start checks of a consultation / loan request, and the org scope of each approving role:
 * the applicant's unit head, the custodian office's archivists and chief, and the leaders of the
 * organisation department above the custodian office.
 */
export async function prepareBorrowing(ctx: ServiceContext) {
  const custodianId = Number(ctx.variables.custodianOrgId);
  const custodian = await people.findOrgUnit(ctx.trx, custodianId);
  if (!custodian || !custodian.is_custodian) {
    throw errors.rule('custodian', '所选单位不是管档单位 / The selected unit does not hold archives', { custodianOrgId: custodianId });
  }
  // What the inbox and "my applications" show for the case (server/workflow/ reads caseSubject).
  const reason = String(ctx.variables.reason ?? '').replace(/\s+/g, ' ').trim();
  const caseSubject = `${MODES[String(ctx.variables.mode)] ?? '查阅'}：${reason.length > 40 ? `${reason.slice(0, 40)}…` : reason}`;
  return {
    caseSubject,
    orgScopes: {
      unit_head: ctx.variables.initiatorOrgId,
      archivist: custodian.id,
      archive_chief: custodian.id,
      auth_leader: custodian.parent_id,
    },
  };
}

export function registerRequestServices(registry: ServiceRegistry): void {
  registry.register('prepareBorrowing', prepareBorrowing);
}
