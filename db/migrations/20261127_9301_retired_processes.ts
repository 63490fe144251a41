// A process the process administrator has withdrawn from 发起申请 (停用): no new case may be filed on
// it; its running cases go on on their versions. Reinstating deletes the row. Both are audited.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('retired_processes', (t) => {
    t.string('process_key', 100).primary();
    t.string('reason', 500).notNullable();
    t.integer('retired_by').notNullable().references('id').inTable('users');
    t.string('retired_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('retired_processes');
}
