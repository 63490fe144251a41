// 阅档日志: one row per page image a reader saw in the reading room (reader, page, time), beside the
// audit log's `page.view` row of the same request. The reading register counts them per request.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('page_views', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.integer('grant_id').notNullable().references('id').inTable('archive_grants');
    /** The request the grant came from (null for a grant made outside a request). */
    t.integer('request_id').references('id').inTable('utilization_requests');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.integer('page_no').notNullable();
    t.integer('page_image_id').notNullable().references('id').inTable('page_images');
    t.string('viewed_at', 30).notNullable();
    t.index(['request_id']);
    t.index(['grant_id', 'viewed_at']);
    t.index(['archive_id', 'viewed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('page_views');
}
