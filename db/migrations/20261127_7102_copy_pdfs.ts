// Certified copies as PDF (server/copies/): the register row (copy_records, issue 4) already has
// `pdf_file`; these columns record what was made — its sha256 and size, who made it and when — so a
// download can prove it serves the bytes that were certified.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('copy_records', (t) => {
    t.string('pdf_sha256', 64);
    t.integer('pdf_bytes');
    t.integer('pdf_made_by').references('id').inTable('users');
    t.string('pdf_made_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('copy_records', (t) => {
    t.dropColumn('pdf_made_at');
    t.dropColumn('pdf_made_by');
    t.dropColumn('pdf_bytes');
    t.dropColumn('pdf_sha256');
  });
}
