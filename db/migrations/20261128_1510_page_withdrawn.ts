// 撤下多余页: a page uploaded by mistake past a material's 页数 is withdrawn, not deleted. Its row
// stays (the reading log's page_views point at it, and the image stays on disk under its own name),
// marked withdrawn with who, when and why; every page read skips it. A page number is unique among
// the pages not withdrawn, so the next upload can take the withdrawn page's number again.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('page_images', (t) => {
    t.string('withdrawn_at', 30);
    t.integer('withdrawn_by').references('id').inTable('users');
    t.string('withdrawn_reason', 200);
  });
  await knex.schema.alterTable('page_images', (t) => {
    t.dropUnique(['material_id', 'page_no']);
  });
  await knex.raw('CREATE UNIQUE INDEX page_images_current_page ON page_images (material_id, page_no) WHERE withdrawn_at IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX page_images_current_page');
  await knex('page_images').whereNotNull('withdrawn_at').delete();
  await knex.schema.alterTable('page_images', (t) => {
    t.unique(['material_id', 'page_no']);
  });
  await knex.raw('ALTER TABLE page_images DROP COLUMN withdrawn_reason');
  await knex.raw('ALTER TABLE page_images DROP COLUMN withdrawn_by');
  await knex.raw('ALTER TABLE page_images DROP COLUMN withdrawn_at');
}
