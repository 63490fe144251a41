// 审核标准, versioned: the review standard was one table an installation could change only with SQL,
// and a change would have rewritten the items of reviews already confirmed. Now every publication
// is a version (review_standards) with its own items (review_standard_items), the basis it rests on
// (依据, e.g. the provincial notice) and who published it. A review keeps the version it was opened
// on; new reviews take the newest, except those made for a 专项审核工作: a campaign is scored on the
// version in force when it opened (review_campaigns.standard_version), so that its results compare.
// The seeded Hebei standard becomes version 1.
//
// The marks referred to review_items(no); that reference cannot name a version, so the marks table
// is rebuilt without it (the service checks the item against the review's version). Rebuilt, not
// altered: SQLite cannot drop a foreign key in place.
import type { Knex } from 'knex';

const pg = (knex: Knex) => knex.client.config.client === 'pg';

const SEED_BASIS = '河北省干部人事档案审核标准（初始数据） / Hebei archive review standard (seed)';

async function marksTable(knex: Knex, name: string, itemReference: boolean): Promise<void> {
  await knex.schema.createTable(name, (t) => {
    t.increments('id');
    t.integer('review_id').notNullable().references('id').inTable('archive_reviews');
    const item = t.integer('item_no').notNullable();
    if (itemReference) item.references('no').inTable('review_items');
    t.double('deduction').notNullable();
    t.boolean('veto').notNullable();
    t.string('note', 500).notNullable();
    t.string('material_ids', 400).notNullable();
    t.integer('marked_by').notNullable().references('id').inTable('users');
    t.string('marked_at', 30).notNullable();
  });
}

const MARK_COLUMNS = ['id', 'review_id', 'item_no', 'deduction', 'veto', 'note', 'material_ids', 'marked_by', 'marked_at'];

/** Moves the marks into a new table of the given shape, keeping their ids, and restores the unique index. */
async function rebuildMarks(knex: Knex, itemReference: boolean): Promise<void> {
  await marksTable(knex, 'archive_review_marks_new', itemReference);
  const rows = await knex('archive_review_marks').select(MARK_COLUMNS);
  for (let i = 0; i < rows.length; i += 200) await knex('archive_review_marks_new').insert(rows.slice(i, i + 200));
  await knex.schema.dropTable('archive_review_marks');
  await knex.schema.renameTable('archive_review_marks_new', 'archive_review_marks');
  await knex.schema.alterTable('archive_review_marks', (t) => t.unique(['review_id', 'item_no'], { indexName: 'archive_review_marks_item' }));
  if (pg(knex) && rows.length) {
    await knex.raw(`SELECT setval(pg_get_serial_sequence('archive_review_marks', 'id'), (SELECT MAX(id) FROM archive_review_marks))`);
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('review_standards', (t) => {
    t.integer('version').primary();
    /** 依据: the document the version rests on, or why it changed. */
    t.string('basis', 200).notNullable();
    t.integer('published_by').references('id').inTable('users');
    t.string('published_at', 30).notNullable();
  });
  await knex.schema.createTable('review_standard_items', (t) => {
    t.integer('version').notNullable().references('version').inTable('review_standards');
    t.integer('no').notNullable();
    t.string('criterion', 400).notNullable();
    t.string('deduction_rule', 200).notNullable();
    /** Points; a deduction never exceeds them. */
    t.double('max_score').notNullable();
    /** 单项否决: a failing veto item makes the archive 不合格 whatever its score. */
    t.boolean('veto').notNullable();
    /** JSON array of catalogue category codes where the item's materials are filed. */
    t.string('category_codes', 100).notNullable();
    t.primary(['version', 'no']);
  });
  await knex('review_standards').insert({ version: 1, basis: SEED_BASIS, published_by: null, published_at: '2026-11-27T00:00:00.000Z' });
  const items = await knex('review_items').where({ active: true }).orderBy('no');
  if (items.length) {
    await knex('review_standard_items').insert(
      items.map((r: any) => ({ version: 1, no: r.no, criterion: r.criterion, deduction_rule: r.deduction_rule, max_score: r.max_score, veto: r.veto, category_codes: r.category_codes })),
    );
  }
  // The reference to the version is declared on PostgreSQL only: on SQLite it would keep a rollback
  // from dropping review_standards (see down). The services alone set the columns. After a rollback
  // on SQLite the columns are still there.
  for (const table of ['archive_reviews', 'review_campaigns']) {
    if (await knex.schema.hasColumn(table, 'standard_version')) continue;
    await knex.schema.alterTable(table, (t) => {
      const c = t.integer('standard_version').notNullable().defaultTo(1);
      if (pg(knex)) c.references('version').inTable('review_standards');
    });
  }
  await rebuildMarks(knex, false);
  await knex.schema.dropTable('review_items');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('review_items', (t) => {
    t.integer('no').primary();
    t.string('criterion', 400).notNullable();
    t.string('deduction_rule', 200).notNullable();
    t.double('max_score').notNullable();
    t.boolean('veto').notNullable();
    t.string('category_codes', 100).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });
  // The first version's items come back; later versions (and reviews made on them) cannot be expressed.
  const items = await knex('review_standard_items').where({ version: 1 }).orderBy('no');
  if (items.length) await knex('review_items').insert(items.map(({ version: _v, ...r }: any) => ({ ...r, active: true })));
  await rebuildMarks(knex, true);
  // SQLite drops a column by rebuilding the table, which the tables referring to archive_reviews
  // forbid inside the migration's transaction; there the column stays (unused, default 1).
  if (pg(knex)) {
    for (const table of ['archive_reviews', 'review_campaigns']) await knex.schema.alterTable(table, (t) => t.dropColumn('standard_version'));
  }
  await knex.schema.dropTable('review_standard_items');
  await knex.schema.dropTable('review_standards');
}
