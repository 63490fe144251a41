// 出生日期 认定: the archive's earliest material decides a cadre's birth date, not the ID card
// (组通字〔2006〕41号, DOMAIN.md §1.6), so an approved 信息更正 may settle a birth date that differs
// from the date inside the 身份证号. The cadre row keeps the case number that settled the current
// birth date; while it is set, the ID number is not required to agree with the birth date. Any other
// change of the birth date clears it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cadres', (t) => {
    t.string('birth_date_ruling', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cadres', (t) => {
    t.dropColumn('birth_date_ruling');
  });
}
