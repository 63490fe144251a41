// TOTP secrets are stored encrypted (server/people/secret-box.ts: `v1:iv:tag:ciphertext`, about 100
// characters), which 64 does not hold. SQLite does not enforce a varchar length, and rebuilding its
// users table (what knex's alter() does there) would touch every foreign key: PostgreSQL only.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE users ALTER COLUMN totp_secret TYPE varchar(255), ALTER COLUMN totp_pending_secret TYPE varchar(255)');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE users ALTER COLUMN totp_secret TYPE varchar(64), ALTER COLUMN totp_pending_secret TYPE varchar(64)');
}
