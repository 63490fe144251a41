// The catalogue (目录): the category tree as seed rows (DOMAIN.md §2.1; rows, not an enum, so an
// office can add or retire categories), the append-only materials and their page scans.
import type { Knex } from 'knex';

const CATEGORIES: Array<[code: string, numeral: string, name: string, parent: string | null, divided?: boolean]> = [
  ['1', '一', '履历材料', null],
  ['2', '二', '自传和思想材料', null],
  ['3', '三', '考核鉴定材料', null],
  ['4', '四', '学历学位、专业技术职务、科研学术和培训材料', null, true],
  ['4-1', '四', '学历学位材料', '4'],
  ['4-2', '四', '专业技术职务（职称）材料', '4'],
  ['4-3', '四', '科研学术材料', '4'],
  ['4-4', '四', '培训材料', '4'],
  ['5', '五', '政审、审计和审核材料', null],
  ['6', '六', '党、团材料', null],
  ['7', '七', '表彰奖励材料', null],
  ['8', '八', '违规违纪违法处理处分材料', null],
  ['9', '九', '工资、任免、出国和会议代表材料', null, true],
  ['9-1', '九', '工资材料', '9'],
  ['9-2', '九', '任免材料', '9'],
  ['9-3', '九', '出国（境）审批材料', '9'],
  ['9-4', '九', '会议代表材料', '9'],
  ['10', '十', '其他可供组织参考的材料', null],
];

export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('catalog_categories', (t) => {
    /** '1' … '10', sub-categories '4-1' … '9-4': the 序号 prefix. */
    t.string('code', 10).primary();
    /** Chinese numeral of the 类号 (一 … 十) for the heading rows of the printed catalogue. */
    t.string('numeral', 4).notNullable();
    t.string('name', 100).notNullable();
    t.string('parent_code', 10).references('code').inTable('catalog_categories');
    /** A divided category (4, 9) takes no material itself, only its sub-categories do. */
    t.boolean('divided').notNullable().defaultTo(false);
    t.integer('sort_order').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    /** traditional | 2018: which scheme the row belongs to. */
    t.string('edition', 12).notNullable().defaultTo('traditional');
  });
  await knex('catalog_categories').insert(
    CATEGORIES.map(([code, numeral, name, parent, divided], i) => ({
      code,
      numeral,
      name,
      parent_code: parent,
      divided: !!divided,
      sort_order: (i + 1) * 10,
      active: true,
      edition: 'traditional',
    })),
  );

  await knex.schema.createTable('materials', (t) => {
    t.increments('id');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.string('category_code', 10).notNullable().references('code').inTable('catalog_categories');
    /** 份号 within (archive, category); a superseding row keeps the number of the row it replaces. */
    t.integer('item_no').notNullable();
    /** 0 for the first filing, n for the n-th correction of the same item. */
    t.integer('revision').notNullable().defaultTo(0);
    /** Derived 序号: '4-1-3', '1-5'. */
    t.string('seq_no', 20).notNullable();
    t.string('title', 200).notNullable(); // 材料名称 (e01z211a)
    t.string('title_code', 20); // e01z211b
    t.string('formed_date', 10).notNullable(); // 材料形成时间, the latest date on the document
    t.integer('pages').notNullable(); // 页数
    t.boolean('is_copy').notNullable().defaultTo(false); // 复印件
    t.string('copy_date', 10); // 复制时间, required for copies
    t.string('remark', 200); // 备注
    t.integer('producer_org_id').references('id').inTable('org_units'); // 材料形成单位
    t.string('instance_id', 36);
    t.integer('supersedes_material_id').references('id').inTable('materials');
    t.string('supersede_reason', 500);
    t.integer('filed_by').references('id').inTable('users');
    t.string('filed_at', 30).notNullable();
    t.unique(['archive_id', 'category_code', 'item_no', 'revision'], { indexName: 'materials_item_unique' });
    t.index(['supersedes_material_id']);
  });

  // Append-only at the database level: a filed material is never edited or removed (DOMAIN.md
  // §1.5 严禁 list; a correction is a new row that supersedes the old one).
  if (pg) {
    await knex.raw(`
      CREATE FUNCTION materials_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'materials is append-only: a filed material is never changed or removed'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER materials_no_change BEFORE UPDATE OR DELETE ON materials
        FOR EACH ROW EXECUTE FUNCTION materials_append_only();
      CREATE TRIGGER materials_no_truncate BEFORE TRUNCATE ON materials
        FOR EACH STATEMENT EXECUTE FUNCTION materials_append_only();
    `);
  } else {
    await knex.raw(`CREATE TRIGGER materials_no_update BEFORE UPDATE ON materials
      BEGIN SELECT RAISE(ABORT, 'materials is append-only: a filed material is never changed or removed'); END;`);
    await knex.raw(`CREATE TRIGGER materials_no_delete BEFORE DELETE ON materials
      BEGIN SELECT RAISE(ABORT, 'materials is append-only: a filed material is never changed or removed'); END;`);
  }

  await knex.schema.createTable('page_images', (t) => {
    t.increments('id');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.integer('page_no').notNullable();
    /** Relative to <DANGAN_DATA_DIR>/scans; built from ids only, never from user text. */
    t.string('file', 200).notNullable();
    t.string('format', 10).notNullable(); // jpeg | png | tiff
    t.string('sha256', 64).notNullable();
    t.integer('dpi');
    /** color | gray | bw */
    t.string('colour_mode', 8).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    t.integer('created_by').references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.unique(['material_id', 'page_no']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('page_images');
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TABLE materials; DROP FUNCTION materials_append_only();');
  } else {
    await knex.schema.dropTable('materials');
  }
  await knex.schema.dropTable('catalog_categories');
}
