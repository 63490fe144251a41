// A cadre's name is read with its head as a surname (server/archives/pinyin.ts): 曾诚 zengcheng,
// not cengcheng; 单 shan, 解 xie, 仇 qiu, 乐 yue. The keys of existing cadres are rebuilt, so that
// search and the pinyin sort order follow; the usual reading, where it differs, is kept in
// name_pinyin_alt (searched too, by its own partial index: only the few names whose readings differ).
import type { Knex } from 'knex';
import { pinyin } from 'pinyin-pro';
import { nameKeys } from '../../server/archives/pinyin.ts';

const BATCH = 2000;

async function rebuild(knex: Knex, keysOf: (name: string) => Record<string, string | null>): Promise<void> {
  let after = 0;
  for (;;) {
    const rows: { id: number; name: string; name_pinyin: string; name_initials: string; name_pinyin_alt?: string | null }[] = await knex('cadres')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .select('*');
    if (!rows.length) return;
    after = rows[rows.length - 1].id;
    for (const r of rows) {
      const keys = keysOf(r.name);
      const changed = Object.entries(keys).some(([k, v]) => ((r as unknown as Record<string, unknown>)[k] ?? null) !== v);
      if (changed) await knex('cadres').where({ id: r.id }).update(keys);
    }
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cadres', (t) => {
    t.string('name_pinyin_alt', 120).nullable();
  });
  await knex.raw('CREATE INDEX cadres_scope_pinyin_alt ON cadres (custodian_org_id, name_pinyin_alt, name_pinyin, id) WHERE name_pinyin_alt IS NOT NULL');
  await rebuildNameKeys(knex);
}

/** Sets every cadre's keys to what nameKeys gives now (rows already right are not written). */
export async function rebuildNameKeys(knex: Knex): Promise<void> {
  await rebuild(knex, (name) => ({ ...nameKeys(name) }));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX cadres_scope_pinyin_alt');
  // The keys as they were before: every character in its usual reading.
  const plain = (name: string) => {
    const s = (pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }) as string[]).map((x) => x.toLowerCase().replace(/[^a-z0-9]/g, ''));
    return { name_pinyin: s.join('').slice(0, 120), name_initials: s.map((x) => x[0] ?? '').join('').slice(0, 20) };
  };
  await rebuild(knex, plain);
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE cadres DROP COLUMN name_pinyin_alt');
}
