// The last TOTP time step (unix time / 30 s) a user's code was accepted for, at login or at
// enrolment: a code is accepted only for a later step (RFC 6238 §5.2, no second use of one code).
// NULL: no code accepted since the authenticator was enrolled or reset.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('totp_last_step').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's users table, which every
  // foreign key refers to.
  await knex.raw('ALTER TABLE users DROP COLUMN totp_last_step');
}
