// 标为不合格: an archivist's mark that a scanned page fails by eye (illegible, skewed, the wrong
// material) — what the automatic checks cannot see. While a mark stands, every check of the material
// reports it (finding MARKED_FAILING, server/archives/scans.ts), so a re-check does not clear it;
// 重扫此页 (replacing the page) clears it. Rows are kept: a cleared mark is history.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('page_marks', (t) => {
    t.increments('id');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.integer('page_no').notNullable();
    /** Why the page fails, as the archivist wrote it (2–200 characters). */
    t.string('reason', 200).notNullable();
    t.integer('marked_by').notNullable().references('id').inTable('users');
    t.string('marked_at', 30).notNullable();
    /** Set when the page is rescanned (重扫此页). */
    t.string('cleared_at', 30);
    t.integer('cleared_by').references('id').inTable('users');
    t.index(['material_id', 'page_no'], 'page_marks_material');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('page_marks');
}
