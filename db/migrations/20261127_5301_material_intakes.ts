// 材料收集归档: the intake ledger (台账) of materials handed over by producing units, the events of
// each intake (登记, 退回 with the reviewer's findings, 重新移交, 入台账, 归档), the page scans
// uploaded to an intake before it is filed, and the archive office's collection notices (催收).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('collection_notices', (t) => {
    t.increments('id');
    /** 催收-2026-0001; the case's business key. */
    t.string('notice_no', 30).notNullable().unique();
    t.string('instance_id', 36).notNullable().unique().references('id').inTable('process_instances');
    /** The archive office that chases, and the unit that owes the material. */
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.integer('producer_org_id').notNullable().references('id').inTable('org_units');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.string('title', 200).notNullable();
    t.string('category_code', 10).notNullable().references('code').inTable('catalog_categories');
    /** YYYY-MM-DD: when the expected material was formed. */
    t.string('formed_date', 10).notNullable();
    /** The instant the hand-over is owed by (the 督办 deadline's due time). */
    t.string('due_at', 30).notNullable();
    t.text('note');
    /** open | answered | withdrawn */
    t.string('status', 12).notNullable();
    /** The intake that answered it (no FK: the two tables point at each other). */
    t.integer('intake_id');
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('closed_at', 30);
    t.string('closed_reason', 500);
    t.index(['producer_org_id', 'status']);
    t.index(['cadre_id', 'status']);
    t.index(['custodian_org_id', 'created_at']);
  });

  await knex.schema.createTable('material_intakes', (t) => {
    t.increments('id');
    /** 收材-2026-0001; the case's business key. */
    t.string('intake_no', 30).notNullable().unique();
    t.string('instance_id', 36).notNullable().unique().references('id').inTable('process_instances');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    /** The cadre's 正本, where the material will be filed, and the office that holds it. */
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** 移交单位 and 经手人. */
    t.integer('producer_org_id').notNullable().references('id').inTable('org_units');
    t.integer('handler_id').notNullable().references('id').inTable('users');
    t.string('title', 200).notNullable();
    /** The category the producer proposes; the archivist decides at filing. */
    t.string('category_code', 10).notNullable().references('code').inTable('catalog_categories');
    t.string('formed_date', 10).notNullable();
    t.integer('pages').notNullable();
    t.boolean('is_copy').notNullable();
    t.string('copy_date', 10);
    t.boolean('copy_sealed').notNullable().defaultTo(false);
    /** 任免 materials: 批准机关, 批准时间, 文号. */
    t.string('approval_authority', 100);
    t.string('approval_date', 10);
    t.string('approval_doc_no', 100);
    /** hand (专人送交) | confidential (机要交通), with the 机要 number. */
    t.string('delivery_method', 16).notNullable();
    t.string('confidential_no', 50);
    /** The key fields as they appear on the material (compared with the archive at review). */
    t.string('stated_name', 50).notNullable();
    t.string('stated_birth_date', 10).notNullable();
    t.string('stated_work_start_date', 10);
    t.string('stated_party_join_date', 10);
    t.string('registered_at', 30).notNullable();
    /** The last day of the hand-over period (formation + MATERIAL_HANDOVER_DAYS, Beijing days). */
    t.string('handover_due', 10).notNullable();
    t.boolean('late').notNullable();
    /** received (已接收) | returned (已退回) | ledgered (已入台账) | filed (已归档) | withdrawn (已撤回) */
    t.string('status', 12).notNullable();
    /** 1 at registration, +1 at each resubmission. */
    t.integer('round').notNullable();
    t.integer('notice_id').references('id').inTable('collection_notices');
    t.integer('receiver_id').references('id').inTable('users');
    t.string('accepted_at', 30);
    t.integer('material_id').references('id').inTable('materials');
    t.string('seq_no', 20);
    t.string('filed_at', 30);
    t.integer('filed_by').references('id').inTable('users');
    t.string('updated_at', 30).notNullable();
    t.index(['custodian_org_id', 'registered_at']);
    t.index(['custodian_org_id', 'status']);
    t.index(['producer_org_id', 'registered_at']);
    t.index(['cadre_id']);
  });

  await knex.schema.createTable('material_intake_events', (t) => {
    t.increments('id');
    t.integer('intake_id').notNullable().references('id').inTable('material_intakes');
    t.integer('round').notNullable();
    /** registered | returned | resubmitted | accepted | filed | withdrawn */
    t.string('kind', 16).notNullable();
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    /** 鉴别意见, 退回原因, 补正情况说明. */
    t.text('comment');
    /** JSON: unchecked checklist items, key-field mismatches, the values before a resubmission, … */
    t.text('detail');
    t.index(['intake_id', 'id']);
  });

  await knex.schema.createTable('material_intake_scans', (t) => {
    t.increments('id');
    t.integer('intake_id').notNullable().references('id').inTable('material_intakes');
    /** Upload order; the pages of the material are the scans not withdrawn, in this order. */
    t.integer('seq').notNullable();
    /** Relative to <data dir>/intake-scans; made of ids and the hash only. */
    t.string('file', 200).notNullable();
    t.string('format', 10).notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('dpi');
    t.string('colour_mode', 10).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    /** A withdrawn scan stays on record but is not a page of the material. */
    t.string('withdrawn_at', 30);
    t.integer('withdrawn_by').references('id').inTable('users');
    t.unique(['intake_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('material_intake_scans');
  await knex.schema.dropTable('material_intake_events');
  await knex.schema.dropTable('material_intakes');
  await knex.schema.dropTable('collection_notices');
}
