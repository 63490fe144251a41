// 提交申请 once, whatever the network does: the start page sends a key it made when the form was
// opened (a UUID), kept with the case it filed. A retry after a lost answer sends the same key and
// is answered the case already filed instead of starting another (server/workflow/service.ts).
// Unique per starter: another user's same key is another application. NULL for cases started
// without one (older cases, services, API clients that send none); both databases allow many NULLs.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_cases', (t) => {
    t.string('start_key', 36).nullable();
    t.unique(['initiator_id', 'start_key'], { indexName: 'workflow_cases_start_key' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_cases', (t) => {
    t.dropUnique(['initiator_id', 'start_key'], 'workflow_cases_start_key');
  });
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE workflow_cases DROP COLUMN start_key');
}
