// 利用 (use of archives): the requests of the borrowing (查阅/借阅) and copy (复制/摘录) processes
// and the records they produce — the 申请单 with its applicants and approval opinions, the 查阅登记簿,
// loans with their check-out snapshot, renewals, reminders and loss reports, and the 复制登记.
// Written by server/requests/ inside the engine's transactions; nothing here is ever deleted.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('utilization_requests', (t) => {
    t.increments('id');
    t.string('instance_id', 36).notNullable().unique().references('id').inTable('process_instances');
    /** 查借-2026-0007 / 复制-2026-0003: also the case's business key. */
    t.string('case_no', 30).notNullable().unique();
    /** consult | loan | copy | extract */
    t.string('kind', 10).notNullable();
    /** electronic | onsite | loan (borrowing); null for copy and extract. */
    t.string('mode', 12);
    /** 第三十一条 item 1–7, 8 = 干部本人及亲属合法权益代查. */
    t.string('purpose', 2).notNullable();
    t.text('reason').notNullable();
    t.integer('requester_org_id').notNullable().references('id').inTable('org_units');
    t.integer('initiator_id').notNullable().references('id').inTable('users');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** The cadre's 管理权限 when the request was filed (the routing key). */
    t.string('management_level', 12).notNullable();
    /** JSON arrays of category codes: asked for, and approved. */
    t.text('categories').notNullable();
    t.text('granted_categories');
    /** Copy/extract: JSON [{seqNo, materialId, title, pages}] asked for, and the approved 序号. */
    t.text('materials');
    t.text('approved_materials');
    t.integer('copies');
    t.string('view_from', 10);
    t.integer('view_days');
    t.integer('loan_days');
    t.string('window_start', 30);
    t.string('window_end', 30);
    /** The decision table's answer: {needsLeader, referUpward}. */
    t.text('route');
    /** in_review | approved | rejected | authorized | reading | on_loan | overdue | copied | closed | withdrawn */
    t.string('status', 12).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('decided_at', 30);
    t.string('closed_at', 30);
    t.index(['custodian_org_id', 'created_at']);
    t.index(['requester_org_id', 'created_at']);
  });

  await knex.schema.createTable('request_applicants', (t) => {
    t.increments('id');
    t.integer('request_id').notNullable().references('id').inTable('utilization_requests');
    t.integer('user_id').notNullable().references('id').inTable('users');
    /** The name as it was when the request was filed (the record does not change with the account). */
    t.string('display_name', 100).notNullable();
    t.boolean('is_initiator').notNullable().defaultTo(false);
    t.unique(['request_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('request_approvals', (t) => {
    t.increments('id');
    t.integer('request_id').notNullable().references('id').inTable('utilization_requests');
    t.string('task_id', 36).notNullable();
    t.string('element_id', 100).notNullable();
    t.string('step_name', 200).notNullable();
    t.string('role', 30);
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('user_name', 100).notNullable();
    /** approve | reject */
    t.string('decision', 12).notNullable();
    t.text('opinion');
    t.string('at', 30).notNullable();
    t.index(['request_id', 'id']);
  });

  // 查阅登记簿: one entry per finished use, kept per custodian office.
  await knex.schema.createTable('reading_register', (t) => {
    t.increments('id');
    t.integer('request_id').notNullable().unique().references('id').inTable('utilization_requests');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    /** electronic | onsite | loan */
    t.string('mode', 12).notNullable();
    /** JSON [{id, name}] of the applicants who read or borrowed. */
    t.text('readers').notNullable();
    t.string('purpose', 2).notNullable();
    t.text('categories').notNullable();
    t.string('started_at', 30).notNullable();
    t.string('ended_at', 30).notNullable();
    /** finished | window_expired | onsite | returned | damaged | lost */
    t.string('end_reason', 16).notNullable();
    /** The reader who signed (electronic: the applicant ending the reading; null when the window ran out). */
    t.integer('signed_by').references('id').inTable('users');
    t.string('signed_at', 30);
    t.integer('recorded_by').references('id').inTable('users');
    t.text('note');
    t.string('created_at', 30).notNullable();
    t.index(['custodian_org_id', 'ended_at']);
  });

  await knex.schema.createTable('loans', (t) => {
    t.increments('id');
    t.integer('request_id').notNullable().unique().references('id').inTable('utilization_requests');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('borrower_id').notNullable().references('id').inTable('users');
    t.integer('borrower_org_id').notNullable().references('id').inTable('org_units');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.string('checked_out_at', 30).notNullable();
    t.integer('checked_out_by').references('id').inTable('users');
    t.string('due_at', 30).notNullable();
    /** 出借清单: JSON [{materialId, seqNo, title, pages}] of the catalogue at check-out. */
    t.text('snapshot').notNullable();
    t.integer('material_count').notNullable();
    t.integer('page_count').notNullable();
    /** on_loan | overdue | returned | lost */
    t.string('status', 10).notNullable();
    t.string('returned_at', 30);
    t.integer('return_checked_by').references('id').inTable('users');
    /** intact | damaged | lost */
    t.string('check_result', 10);
    t.text('check_note');
    t.index(['custodian_org_id', 'status', 'due_at']);
    t.index(['borrower_id']);
  });

  await knex.schema.createTable('loan_renewals', (t) => {
    t.increments('id');
    t.integer('loan_id').notNullable().references('id').inTable('loans');
    t.integer('requested_by').notNullable().references('id').inTable('users');
    t.string('requested_at', 30).notNullable();
    t.integer('days').notNullable();
    t.string('reason', 500).notNullable();
    /** pending | granted | refused */
    t.string('status', 10).notNullable();
    t.string('decided_at', 30);
    t.string('old_due_at', 30).notNullable();
    t.string('new_due_at', 30);
    t.index(['loan_id', 'id']);
  });

  // 催还记录: each reminder and overdue escalation the timers sent.
  await knex.schema.createTable('loan_notices', (t) => {
    t.increments('id');
    t.integer('loan_id').notNullable().references('id').inTable('loans');
    /** due_soon | overdue */
    t.string('kind', 10).notNullable();
    t.string('due_at', 30).notNullable();
    t.string('at', 30).notNullable();
    t.index(['loan_id', 'id']);
  });

  await knex.schema.createTable('loss_reports', (t) => {
    t.increments('id');
    t.integer('loan_id').notNullable().unique().references('id').inTable('loans');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** damaged (came back with materials missing or damaged) | lost (did not come back) */
    t.string('kind', 10).notNullable();
    t.text('finding').notNullable();
    t.integer('opened_by').references('id').inTable('users');
    t.string('opened_at', 30).notNullable();
    /** The report to the superior 组织人事部门 (第二十二条). */
    t.text('report');
    t.string('reported_to', 100);
    t.integer('reported_by').references('id').inTable('users');
    t.string('reported_at', 30);
  });

  // 复制登记: one row per copy or extract made.
  await knex.schema.createTable('copy_records', (t) => {
    t.increments('id');
    t.integer('request_id').notNullable().references('id').inTable('utilization_requests');
    t.string('serial_no', 40).notNullable().unique();
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.integer('material_id').notNullable().references('id').inTable('materials');
    t.string('seq_no', 20).notNullable();
    t.string('title', 200).notNullable();
    t.integer('page_from').notNullable();
    t.integer('page_to').notNullable();
    /** n of copies: copy_no of copies */
    t.integer('copy_no').notNullable();
    t.integer('copies').notNullable();
    /** copy | extract */
    t.string('kind', 10).notNullable();
    t.string('seal_text', 60).notNullable();
    t.string('certification', 200).notNullable();
    t.integer('certified_by').notNullable().references('id').inTable('users');
    t.string('certified_at', 30).notNullable();
    t.integer('recipient_org_id').notNullable().references('id').inTable('org_units');
    t.string('purpose', 2).notNullable();
    /** filed | destroyed, reported by the using unit */
    t.string('disposition', 10);
    t.string('disposition_date', 10);
    t.integer('disposition_by').references('id').inTable('users');
    t.string('disposition_note', 500);
    t.string('disposition_recorded_at', 30);
    /** The certified PDF of the copy (issue 9 fills it): a path under the data folder, from ids only. */
    t.string('pdf_file', 200);
    t.string('created_at', 30).notNullable();
    t.index(['custodian_org_id', 'id']);
    t.index(['request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['copy_records', 'loss_reports', 'loan_notices', 'loan_renewals', 'loans', 'reading_register', 'request_approvals', 'request_applicants', 'utilization_requests']) {
    await knex.schema.dropTable(t);
  }
}
