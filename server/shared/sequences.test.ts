import test from 'ava';
import { createTestDb } from '../../test/helpers/db.ts';
import { caseNumber, nextNumber } from './sequences.ts';

test('numbers run per name and year, without gaps from rolled-back transactions, and never repeat', async (t) => {
  const { db, drop } = await createTestDb();
  try {
    t.is(await nextNumber(db, '查借', 2026), 1);
    t.is(await nextNumber(db, '查借', 2026), 2);
    t.is(await nextNumber(db, '查借', 2027), 1);
    t.is(await nextNumber(db, '转递', 2026), 1);
    await t.throwsAsync(
      db.transaction(async (trx) => {
        await nextNumber(trx, '查借', 2026);
        throw new Error('rolled back');
      }),
    );
    const many = await Promise.all(Array.from({ length: 20 }, () => db.transaction((trx) => nextNumber(trx, '查借', 2026))));
    t.deepEqual([...many].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 3));
    // The year of a case follows Beijing time: 2026-12-31T17:00Z is already 2027 there.
    t.is(await caseNumber(db, '复制', new Date('2026-12-31T17:00:00Z')), '复制-2027-0001');
  } finally {
    await drop();
  }
});
