// A change of a cadre's A01 fields may rest on an official document (文号) instead of a filed
// material or a process: a 任免/调动 notice changes unit, post and management level (转递).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cadre_field_history', (t) => {
    t.string('basis_document', 60);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cadre_field_history', (t) => {
    t.dropColumn('basis_document');
  });
}
