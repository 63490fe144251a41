// The digitisation progress of an archive (数字化进度, DOMAIN.md §3): each move of
// archives.digital_status — 部分数字化, 已数字化 after every material's scans passed a check, 已验收 by
// the archive chief, and the moves back — with who, when, why and how many materials were checked.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('archive_digital_history', (t) => {
    t.increments('id');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.string('from_status', 12).notNullable();
    t.string('to_status', 12).notNullable();
    t.string('note', 500);
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    /** The materials whose scans were checked for this move (0 when the move needs no check). */
    t.integer('checked').notNullable().defaultTo(0);
    t.index(['archive_id', 'id'], 'archive_digital_history_archive');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('archive_digital_history');
}
