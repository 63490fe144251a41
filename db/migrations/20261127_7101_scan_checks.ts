// Scan quality checks (server/quality/): one row per check of a material's page scans — at filing
// through 材料收集归档, when pages are uploaded, or when an archivist asks — with what was found.
// The newest row of a material is its current state; older rows are its history.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scan_checks', (t) => {
    t.increments('id');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    /** filing | upload | material | archive */
    t.string('trigger', 12).notNullable();
    t.string('checked_at', 30).notNullable();
    t.integer('checked_by').references('id').inTable('users');
    /** The SCAN_MIN_DPI in force when the check ran. */
    t.integer('min_dpi').notNullable();
    t.integer('pages_declared').notNullable();
    t.integer('pages_scanned').notNullable();
    t.boolean('passed').notNullable();
    /** JSON: [{code, pageNo?, message}] */
    t.text('findings').notNullable();
    t.index(['material_id', 'id'], 'scan_checks_material');
    t.index(['archive_id', 'passed'], 'scan_checks_archive');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scan_checks');
}
