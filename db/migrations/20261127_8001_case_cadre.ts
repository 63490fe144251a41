// The cadre a case concerns (process variable `cadreId`), on the case row: the inbox leaves out the
// tasks of cases its user must avoid (self, relative, avoidance list), and claim/complete refuse them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_cases', (t) => {
    t.integer('cadre_id').nullable();
    t.index(['cadre_id'], 'workflow_cases_cadre');
  });
  // Cases that exist already: from their saved variables.
  const rows = await knex('process_instances as pi').join('workflow_cases as c', 'c.instance_id', 'pi.id').select('pi.id', 'pi.variables');
  for (const r of rows) {
    let cadreId: unknown;
    try {
      cadreId = JSON.parse(r.variables ?? '{}')?.cadreId;
    } catch {
      cadreId = undefined;
    }
    if (Number.isInteger(Number(cadreId)) && Number(cadreId) > 0) await knex('workflow_cases').where({ instance_id: r.id }).update({ cadre_id: Number(cadreId) });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_cases', (t) => {
    t.dropIndex(['cadre_id'], 'workflow_cases_cadre');
    t.dropColumn('cadre_id');
  });
}
