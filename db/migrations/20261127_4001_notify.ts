// Notifications: the mail outbox (written in the same transaction as the event it tells of) and
// each user's notification settings.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mail_outbox', (t) => {
    t.string('id', 36).primary();
    /** One message per key: a second enqueue of the same notice is ignored; the Message-ID derives from it. */
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('message_id', 200).notNullable();
    /** task_assigned | task_offered | application_decided | loan_due_soon | … | digest */
    t.string('event', 40).notNullable();
    t.integer('recipient_id').notNullable().references('id').inTable('users');
    /** The recipient's address as the directory had it when the message was written. */
    t.string('to_address', 200);
    t.string('language', 5).notNullable();
    t.string('subject', 300).notNullable();
    t.text('body').notNullable();
    t.string('link', 500).notNullable();
    t.string('instance_id', 36);
    /**
     * pending (to send) | held (waits for the recipient's daily digest) | digested (went out inside a
     * digest) | sent | incident (retries ran out) | refused (envelope or subject failed the checks)
     */
    t.string('status', 12).notNullable();
    /** When a held message joins the digest. */
    t.string('hold_until', 30);
    t.string('digest_id', 36);
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.text('last_error');
    t.string('lock_owner', 64);
    t.string('locked_until', 30);
    t.string('created_at', 30).notNullable();
    t.string('sent_at', 30);
    t.index(['status', 'next_attempt_at'], 'mail_outbox_due');
    t.index(['status', 'hold_until'], 'mail_outbox_held');
    t.index(['recipient_id', 'created_at']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('notification_settings', (t) => {
    t.integer('user_id').primary().references('id').inTable('users');
    /** JSON array of the optional events the user turned off. */
    t.text('muted_events').notNullable().defaultTo('[]');
    /** One mail a day instead of single mails. */
    t.boolean('digest').notNullable().defaultTo(false);
    /** Hour of the digest, Asia/Shanghai; null: the installation's MAIL_DIGEST_HOUR. */
    t.integer('digest_hour');
    t.string('updated_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_settings');
  await knex.schema.dropTable('mail_outbox');
}
