// 转递 (DOMAIN.md §1.3, §6.4, §7 TransferOrder): transfer orders out and in (one row per case), the
// chase records of an outstanding receipt, the defective returns, and the position changes (任免/调动)
// that start a transfer. `open_key` is set while an order is open and cleared when it closes: its
// unique index makes "one open transfer per archive" hold even for two requests at the same instant.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transfer_orders', (t) => {
    t.increments('id');
    /** out (转出) | in (转入) */
    t.string('direction', 3).notNullable();
    /** The case number (business key): 转出-2026-0001, 转入-2026-0001. */
    t.string('case_no', 30).notNullable().unique();
    t.string('instance_id', 36).notNullable().unique();
    /** The other side's order when both offices work in Dangan. */
    t.integer('peer_order_id').references('id').inTable('transfer_orders');
    /** out: preparing | approving | sent | returned | receipted | cancelled; in: checking | returned | receipted | stored | cancelled */
    t.string('status', 12).notNullable();
    /** `out:<office>:<cadre>` / `in:<office>:<ID number>` while open; NULL once closed. */
    t.string('open_key', 80).unique();
    t.integer('cadre_id').references('id').inTable('cadres');
    t.string('cadre_name', 50).notNullable();
    t.string('cadre_id_number', 18).notNullable();
    /** 单位及职务 as the slip shows it. */
    t.string('unit_and_post', 200);
    /** transfer | appointment | resignation | abroad | dismissal | contract_end | expulsion | retirement */
    t.string('reason', 20).notNullable();
    t.integer('from_org_id').references('id').inTable('org_units');
    t.string('from_unit_name', 100).notNullable();
    t.integer('to_org_id').references('id').inTable('org_units');
    t.string('to_unit_name', 100).notNullable();
    /** office (an office in Dangan) | outside_office | talent_service | social_security */
    t.string('destination_kind', 20).notNullable();
    t.string('notice_no', 60);
    t.string('notice_date', 10);
    /** 保密审查 (resignation, dismissal, …): conclusion and date. */
    t.string('secrecy_review', 500);
    t.string('secrecy_review_date', 10);
    /** The management level the sending office held the archive under (routes the approval). */
    t.string('management_level', 12);
    /** JSON [{archiveId, kind, volumes, archiveNo, newArchiveNo?}] */
    t.text('archives').notNullable().defaultTo('[]');
    t.integer('volumes_main');
    t.integer('volumes_copy');
    t.integer('material_count');
    /** confidential (机要交通) | courier (专人送取) */
    t.string('method', 12);
    /** JSON [{name, partyMember}] */
    t.text('couriers');
    t.string('slip_word', 40);
    /** out: the running number (2026-0007); in from outside Dangan: the 字号 as written on the slip. */
    t.string('slip_no', 60);
    t.string('sent_at', 30);
    t.integer('sent_by').references('id').inTable('users');
    /** The 2-month limit of 第二十五条 (out) / the review limit (in). */
    t.string('due_at', 30);
    t.string('receipt_at', 30);
    t.string('receipt_signer', 50);
    /** dangan (the receiving office's case) | paper (recorded by the sender) */
    t.string('receipt_source', 10);
    t.integer('receipt_recorded_by').references('id').inTable('users');
    /** in: A01 fields of a cadre new to Dangan (JSON), created when the receipt is signed. */
    t.text('incoming_cadre');
    t.string('stored_at', 30);
    t.integer('stored_by').references('id').inTable('users');
    t.integer('opened_by').references('id').inTable('users');
    t.string('opened_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['from_org_id', 'direction', 'status', 'id'], 'transfer_orders_from');
    t.index(['to_org_id', 'direction', 'status', 'id'], 'transfer_orders_to');
    t.index(['cadre_id']);
  });

  await knex.schema.createTable('transfer_chases', (t) => {
    t.increments('id');
    t.integer('order_id').notNullable().references('id').inTable('transfer_orders');
    /** 1, 2, … per order. */
    t.integer('seq').notNullable();
    /** mail (notice to the receiving office's archivists) | phone | letter | visit | other */
    t.string('channel', 10).notNullable();
    t.string('note', 500);
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.unique(['order_id', 'seq']);
  });

  await knex.schema.createTable('transfer_returns', (t) => {
    t.increments('id');
    /** The order the return is recorded against: the sender's (out) when the sender works in Dangan, else the receiver's. */
    t.integer('order_id').notNullable().references('id').inTable('transfer_orders');
    /** The receiver's order, when the receiver works in Dangan. */
    t.integer('in_order_id').references('id').inTable('transfer_orders');
    t.string('slip_no', 70);
    t.string('reason', 1000).notNullable();
    /** dangan | paper */
    t.string('source', 10).notNullable();
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.index(['order_id']);
  });

  await knex.schema.createTable('position_changes', (t) => {
    t.increments('id');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.integer('from_unit_id').notNullable().references('id').inTable('org_units');
    t.string('from_post', 100);
    t.string('from_level', 12).notNullable();
    t.integer('to_unit_id').notNullable().references('id').inTable('org_units');
    t.string('to_post', 100);
    t.string('to_level', 12).notNullable();
    t.string('notice_no', 60).notNullable();
    t.string('notice_date', 10).notNullable();
    /** The office that recorded it, and the transfer it started (if custody moves). */
    t.integer('office_id').notNullable().references('id').inTable('org_units');
    t.integer('transfer_order_id').references('id').inTable('transfer_orders');
    t.integer('recorded_by').notNullable().references('id').inTable('users');
    t.string('recorded_at', 30).notNullable();
    t.index(['cadre_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['position_changes', 'transfer_returns', 'transfer_chases', 'transfer_orders']) await knex.schema.dropTable(t);
}
