// Cadres (A01 subset of DOMAIN.md §7), their family members (for the relative check), the
// versioned history of every A01 field change, custody ranges (管档范围) and users.cadre_id.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('custody_ranges', (t) => {
    t.increments('id');
    /** The custodian office (org_units.is_custodian) that holds these cadres' archives. */
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** Cadres whose current unit lies in this org subtree … */
    t.integer('root_org_id').notNullable().references('id').inTable('org_units');
    /** … and whose management level is one of these codes (JSON array). */
    t.text('management_levels').notNullable();
    /** 正本 (original) or 副本 (copy): the kind of archive the office keeps for them. */
    t.string('archive_kind', 10).notNullable().defaultTo('original');
    t.string('note', 200);
    t.string('created_at', 30).notNullable();
    t.index(['custodian_org_id']);
    t.index(['root_org_id']);
  });

  await knex.schema.createTable('cadres', (t) => {
    t.increments('id');
    t.string('name', 50).notNullable(); // a0101
    t.string('gender', 1).notNullable(); // a0104, GB/T 2261.1: 1 男, 2 女
    t.string('birth_date', 10).notNullable(); // a0107
    t.string('ethnicity', 20).notNullable(); // a0117
    t.string('native_place', 50).notNullable(); // a0111a
    t.string('political_status', 20).notNullable(); // a0141
    t.string('party_join_date', 10); // a0144
    t.string('work_start_date', 10); // a0134
    t.string('id_number', 18).notNullable().unique(); // a0184
    t.string('education', 20); // 学历
    t.string('degree', 20); // 学位
    t.integer('org_unit_id').notNullable().references('id').inTable('org_units');
    t.string('post', 100);
    /** central | provincial | municipal | county | unit (中管/省管/市管/县管/单位管) */
    t.string('management_level', 12).notNullable();
    /**
     * Derived: the office holding the cadre's 正本 (or its only archive). The archives row is the
     * truth; the archive store keeps this in step in the same transaction. It exists so that the
     * scope-filtered search reads one covering index (bench/search.ts).
     */
    t.integer('custodian_org_id').references('id').inTable('org_units');
    /** Full pinyin without tones or spaces (sort key) and initials (search), from pinyin-pro. */
    t.string('name_pinyin', 120).notNullable();
    t.string('name_initials', 20).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    // The search reads only this index (covering): scope, sort order and every searched column.
    t.index(['custodian_org_id', 'name_pinyin', 'id', 'name_initials', 'name', 'id_number', 'org_unit_id'], 'cadres_scope_search');
    // Prefix searches seek these ranges instead of scanning the office's holdings.
    t.index(['custodian_org_id', 'name_initials', 'name_pinyin', 'id'], 'cadres_scope_initials');
    t.index(['custodian_org_id', 'id_number'], 'cadres_scope_id_number');
    t.index(['name_pinyin', 'id'], 'cadres_sort');
    t.index(['org_unit_id']);
  });

  await knex.schema.createTable('family_members', (t) => {
    t.increments('id');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.string('name', 50).notNullable();
    /** 配偶, 父亲, 母亲, 子女, 兄弟姐妹, … (free text of the 家庭成员 table) */
    t.string('relation', 20).notNullable();
    t.string('birth_date', 10);
    t.string('id_number', 18);
    /** When the relative is a cadre too: the relative check reads this first. */
    t.integer('related_cadre_id').references('id').inTable('cadres');
    t.string('work_unit', 100);
    t.string('created_at', 30).notNullable();
    t.index(['cadre_id']);
    t.index(['related_cadre_id']);
    t.index(['id_number']);
  });

  await knex.schema.createTable('cadre_field_history', (t) => {
    t.increments('id');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.string('field', 40).notNullable();
    /** 1, 2, … per (cadre, field). */
    t.integer('version').notNullable();
    t.string('old_value', 200);
    t.string('new_value', 200);
    t.integer('basis_material_id');
    t.string('basis_instance_id', 36);
    t.integer('actor_id').references('id').inTable('users');
    t.string('actor_name', 100);
    t.string('at', 30).notNullable();
    t.unique(['cadre_id', 'field', 'version']);
  });

  await knex.schema.alterTable('users', (t) => {
    /** The user's own cadre record, if they are a cadre: nobody reads their own archive. */
    t.integer('cadre_id').references('id').inTable('cadres');
    t.index(['cadre_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['cadre_id']);
    t.dropColumn('cadre_id');
  });
  for (const t of ['cadre_field_history', 'family_members', 'cadres', 'custody_ranges']) await knex.schema.dropTable(t);
}
