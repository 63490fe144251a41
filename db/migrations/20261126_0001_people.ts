// People: org units (a tree with a materialised path), roles, users, sessions.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('org_units', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    /** region (自治区/盟市/旗县) | unit (单位) | department (内设机构) */
    t.string('kind', 20).notNullable();
    t.integer('parent_id').references('id').inTable('org_units');
    /** '/1/4/9/': ancestors and self, for subtree queries. */
    t.string('path', 400).notNullable();
    /** 管档单位: an office that holds cadre archives. */
    t.boolean('is_custodian').notNullable().defaultTo(false);
    t.integer('sort_order').notNullable().defaultTo(0);
    t.index(['parent_id']);
    t.index(['path']);
  });

  await knex.schema.createTable('roles', (t) => {
    t.string('code', 40).primary();
    t.string('name_zh', 60).notNullable();
    t.string('name_en', 60).notNullable();
    /** business | admin (三员: exclusive of every other role) | process */
    t.string('kind', 20).notNullable();
  });
  await knex('roles').insert([
    { code: 'applicant', name_zh: '查档人员', name_en: 'Applicant', kind: 'business' },
    { code: 'unit_head', name_zh: '单位负责人', name_en: 'Unit head', kind: 'business' },
    { code: 'archivist', name_zh: '档案管理员', name_en: 'Archivist', kind: 'business' },
    { code: 'archive_chief', name_zh: '档案室负责人', name_en: 'Archive chief', kind: 'business' },
    { code: 'auth_leader', name_zh: '有干部管理权限的领导', name_en: 'Leader with management authority', kind: 'business' },
    { code: 'producer', name_zh: '材料形成部门经办人', name_en: 'Material producer', kind: 'business' },
    { code: 'process_admin', name_zh: '流程管理员', name_en: 'Process administrator', kind: 'process' },
    { code: 'sys_admin', name_zh: '系统管理员', name_en: 'System administrator', kind: 'admin' },
    { code: 'sec_admin', name_zh: '安全保密管理员', name_en: 'Security administrator', kind: 'admin' },
    { code: 'auditor', name_zh: '安全审计员', name_en: 'Security auditor', kind: 'admin' },
  ]);

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 100).notNullable();
    t.integer('org_unit_id').notNullable().references('id').inTable('org_units');
    t.string('password_hash', 200).notNullable();
    t.string('password_changed_at', 30).notNullable();
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.string('locked_until', 30);
    t.string('totp_secret', 64);
    t.boolean('disabled').notNullable().defaultTo(false);
    /** Demo accounts are exempt from forced change and expiry (DESIGN.md). */
    t.boolean('is_demo').notNullable().defaultTo(false);
    t.string('language', 5).notNullable().defaultTo('zh');
    t.string('email', 200);
    t.string('created_at', 30).notNullable();
    t.index(['org_unit_id']);
  });

  await knex.schema.createTable('user_roles', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('role', 40).notNullable().references('code').inTable('roles');
    t.primary(['user_id', 'role']);
    t.index(['role']);
  });

  await knex.schema.createTable('sessions', (t) => {
    /** sha256 of the cookie token: a stolen database does not yield live sessions. */
    t.string('id', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('last_seen_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('ip', 64);
    t.string('user_agent', 300);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['sessions', 'user_roles', 'users', 'roles', 'org_units']) await knex.schema.dropTable(t);
}
