// Demo 专项审核 (server/reviews/): three reviews of the city office's archives by archivist1 — one
// confirmed 合格, one confirmed 不合格 (missing materials put it under the pass mark), one awaiting
// chief1's confirmation — so the list, the sheet and 统计分析 show something on a fresh start. They
// take the office's last archives on the shelf that neither of them must avoid; tests take the first.
import type { Knex } from 'knex';
import type { Clock } from '../../server/clock.ts';
import { iso } from '../../server/clock.ts';

type Finding = [itemNo: number, deduction: number, note: string, category?: string];

const REVIEWS: Array<{ daysAgo: number; status: 'confirmed' | 'submitted'; summary: string; findings: Finding[] }> = [
  {
    daysAgo: 20,
    status: 'confirmed',
    summary: '材料基本齐全，个别年度考核登记表缺失，目录一处涂改。',
    findings: [
      [8, 1, '缺2019年度《年度考核登记表》', '3'],
      [22, 1, '目录第三类序号有涂改'],
    ],
  },
  {
    daysAgo: 12,
    status: 'confirmed',
    summary: '缺1999年《干部履历表》，学历学位和入党材料不全，需催收补充。',
    findings: [
      [3, 5, '缺1999年中央组织部制发的《干部履历表》', '1'],
      [9, 6, '研究生学历缺学习成绩表、授予学位材料等', '4-1'],
      [15, 8, '缺《中国共产党入党志愿书》', '6'],
      [11, 3, '缺副高级职称审批表', '4-2'],
    ],
  },
  {
    daysAgo: 2,
    status: 'submitted',
    summary: '材料齐全，培训材料一份缺失。',
    findings: [[10, 0.5, '缺2022年党校培训结业材料', '4-4']],
  },
];

export async function seedReviewDemo(trx: Knex.Transaction, clock: Clock): Promise<void> {
  const user = async (username: string) => (await trx('users').where({ username }).first('id', 'org_unit_id'))!;
  const [archivist, chief] = [await user('archivist1'), await user('chief1')];
  const avoided = await trx('avoidance_entries').whereIn('user_id', [archivist.id, chief.id]).pluck('cadre_id');
  const relatives = await trx('family_members').whereIn('cadre_id', await trx('users').whereIn('id', [archivist.id, chief.id]).whereNotNull('cadre_id').pluck('cadre_id')).whereNotNull('related_cadre_id').pluck('related_cadre_id');
  const own = await trx('users').whereIn('id', [archivist.id, chief.id]).whereNotNull('cadre_id').pluck('cadre_id');
  const archives = await trx('archives')
    .where({ custodian_org_id: archivist.org_unit_id, status: 'in_stock' })
    .whereNotIn('cadre_id', [...avoided, ...relatives, ...own, -1])
    .orderBy('id', 'desc')
    .limit(REVIEWS.length)
    .select('id');
  // On the newest version of the 审核标准 (the seeded one on a fresh installation).
  const version = Number((await trx('review_standards').max({ v: 'version' }))[0].v);
  const maxScore = Number((await trx('review_standard_items').where({ version }).sum({ s: 'max_score' }))[0].s);
  const at = (daysAgo: number, hours = 0) => iso(new Date(clock.now().getTime() - daysAgo * 86_400_000 + hours * 3_600_000));

  for (const [i, r] of REVIEWS.entries()) {
    const archiveId = archives[i].id;
    const score = maxScore - r.findings.reduce((a, f) => a + f[1], 0);
    const [ret] = await trx('archive_reviews')
      .insert({
        archive_id: archiveId,
        custodian_org_id: archivist.org_unit_id,
        standard_version: version,
        status: r.status,
        reviewer_id: archivist.id,
        started_at: at(r.daysAgo),
        submitted_at: at(r.daysAgo, 3),
        summary: r.summary,
        score,
        vetoed: false,
        pass_score: 80,
        decided_by: r.status === 'confirmed' ? chief.id : null,
        decided_at: r.status === 'confirmed' ? at(r.daysAgo - 1) : null,
        decision_note: r.status === 'confirmed' ? '同意审核意见' : null,
        passed: r.status === 'confirmed' ? score >= 80 : null,
        returns: 0,
      })
      .returning('id');
    const reviewId = typeof ret === 'object' ? ret.id : ret;
    await trx('archive_review_events').insert({ review_id: reviewId, action: 'submit', actor_id: archivist.id, at: at(r.daysAgo, 3), note: r.summary, score });
    if (r.status === 'confirmed') await trx('archive_review_events').insert({ review_id: reviewId, action: 'confirm', actor_id: chief.id, at: at(r.daysAgo - 1), note: '同意审核意见', score });
    for (const [itemNo, deduction, note, category] of r.findings) {
      const material = category ? await trx('materials').where({ archive_id: archiveId, category_code: category }).orderBy('item_no').first('id') : undefined;
      await trx('archive_review_marks').insert({ review_id: reviewId, item_no: itemNo, deduction, veto: false, note, material_ids: JSON.stringify(material ? [material.id] : []), marked_by: archivist.id, marked_at: at(r.daysAgo, 1) });
    }
  }
}
