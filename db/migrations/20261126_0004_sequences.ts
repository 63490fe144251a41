// Yearly running numbers for case numbers (查借-2026-0001, 转递单 字第 号, …).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sequences', (t) => {
    t.string('name', 60).notNullable();
    t.integer('year').notNullable();
    t.integer('value').notNullable();
    t.primary(['name', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sequences');
}
