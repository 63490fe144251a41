// 扫描质检 looks up a page's image (sha256) among the pages of other archives (DUPLICATE_ELSEWHERE,
// server/archives/scans.ts): an index, so each check finds them without reading every page row.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('page_images', (t) => {
    t.index(['sha256'], 'page_images_sha256');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('page_images', (t) => {
    t.dropIndex(['sha256'], 'page_images_sha256');
  });
}
