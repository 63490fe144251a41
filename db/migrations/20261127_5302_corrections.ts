// 信息更正 (专项审核认定): one row per correction case — item, old and new value, basis materials,
// findings, the chief's and the approving body's opinions, the superior's reply number, and the
// 认定表 filed as a new material — and the evidence table built from the catalogue at opening.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('corrections', (t) => {
    t.increments('id');
    /** 更正-2026-0001; the case's business key. */
    t.string('case_no', 30).notNullable().unique();
    t.string('instance_id', 36).notNullable().unique().references('id').inTable('process_instances');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    /** The cadre's 正本, held by the office that runs the case. */
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** birth_date | party_join_date | work_start_date | education | degree | work_history | cadre_status | name | ethnicity | native_place */
    t.string('item', 30).notNullable();
    /** The A01 column the item updates; null for items with no structured field (工作经历, 干部身份). */
    t.string('field', 30);
    /** The cadre record's value when the case was opened. */
    t.string('old_value', 200);
    t.string('proposed_value', 200).notNullable();
    /** The value the case settles on (the investigation may revise the proposal). */
    t.string('new_value', 200);
    /** JSON [{value, seqNos}]: values recorded in the archive and the materials they come from. */
    t.text('recorded_values').notNullable();
    /** intake | transfer_review | pre_appointment | special_review | cadre_request */
    t.string('trigger', 20).notNullable();
    t.text('reason').notNullable();
    t.text('findings');
    /** JSON [{materialId, seqNo}] the determination rests on. */
    t.text('basis');
    /** Why the earliest self-filled material is set aside (出生日期 only). */
    t.text('set_aside_reason');
    t.integer('chief_id').references('id').inTable('users');
    t.string('chief_decision', 10);
    t.text('chief_opinion');
    t.string('chief_at', 30);
    t.integer('authority_id').references('id').inTable('users');
    t.string('authority_decision', 10);
    t.text('authority_opinion');
    t.string('authority_at', 30);
    /** 上级批复文号 (required for 出生日期 and 参加工作时间). */
    t.string('superior_reply_no', 100);
    /** open | investigated | proposed | approved | rejected | withdrawn */
    t.string('status', 12).notNullable();
    /** chief | authority: where a rejected case was stopped. */
    t.string('rejected_stage', 12);
    t.integer('filed_material_id').references('id').inTable('materials');
    t.string('filed_seq_no', 20);
    t.integer('history_id').references('id').inTable('cadre_field_history');
    t.string('effective_at', 30);
    t.integer('opened_by').notNullable().references('id').inTable('users');
    t.string('opened_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['custodian_org_id', 'opened_at']);
    t.index(['cadre_id']);
  });

  await knex.schema.createTable('correction_evidence', (t) => {
    t.increments('id');
    t.integer('correction_id').notNullable().references('id').inTable('corrections');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.string('seq_no', 20).notNullable();
    t.string('title', 200).notNullable();
    t.string('formed_date', 10).notNullable();
    /** Filled in by the cadre (履历表, 自传, 志愿书, 学籍表 …; processes/correction-evidence.json). */
    t.boolean('self_filled').notNullable();
    /** The material the rules name as the default basis (出生日期: the earliest self-filled one). */
    t.boolean('default_basis').notNullable();
    /** The value the archivist says this material records, if named at opening. */
    t.string('recorded_value', 200);
    t.integer('sort').notNullable();
    t.index(['correction_id', 'sort']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('correction_evidence');
  await knex.schema.dropTable('corrections');
}
