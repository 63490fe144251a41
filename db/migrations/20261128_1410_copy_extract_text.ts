// 摘录件 are made from text, not page images (server/copies/): the archivist enters the text extracted
// from the material and checks it; the certified PDF is drawn from it. The register row keeps that
// text beside the PDF's hash, so the row says what was certified and asking again can tell the same
// extract from another. Null for copies and for extracts made before (whose PDFs stay as they were).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('copy_records', (t) => {
    t.text('extract_text');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE copy_records DROP COLUMN extract_text');
}
