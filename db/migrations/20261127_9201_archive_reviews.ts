// 专项审核 (DOMAIN.md §1.6, §6.6 "Related", §7 AuditScoreItem): an archive is scored against the
// archive review standard, item by item; the office's chief confirms the score. The standard is
// seed data here, so that an installation can adapt it with SQL: its 23 items are the Hebei
// system's 档案审核标准 [S41] (typos of the source mended), 100 points in all; item 1 is the single
// veto (单项否决). `category_codes` names the catalogue categories where the item's materials are
// filed, so the review page can show them beside the item (the mapping is ours, unverified).
import type { Knex } from 'knex';

type Item = [no: number, maxScore: number, veto: boolean, categories: string[], criterion: string, deductionRule: string];

const STANDARD: Item[] = [
  [1, 1, true, ['1'], '《干部履历表》所填信息应真实准确，1999年版《干部履历表》应有照片、本人签名、填表时间和组织印章', '存在左列情形之一的，为不合格档案'],
  [2, 3, false, [], '新任中管干部任命后两个月内报送档案', '逾期报送的，扣3分'],
  [3, 5, false, ['1'], '须有1988年、1999年中央组织部制发的《干部履历表》', '缺1999年表的扣5分；缺1988年表的扣3分'],
  [4, 2, false, ['1'], '1999年中央组织部制发的《干部履历表》所填信息应真实准确，须有照片、本人签名、填报时间和组织印章', '不符合要求的，每项扣0.5分，其中干部受过处分本人未填写的扣2分'],
  [5, 8, false, ['3'], '1991年以来提拔担任副局级以上职务的，须有干部任前考察（或表现情况）材料', '1997年以来提拔任职的，每缺一份材料扣3分；其他每缺一份扣1分'],
  [6, 3, false, ['3'], '1997年以来的干部考察材料须有形成材料的单位（或考察人）和时间', '不符合要求的，每份材料扣1分'],
  [7, 4, false, ['3', '5'], '进行过经济责任审计的干部须有相应的任期经济责任审计结果材料', '每缺一份材料扣2分'],
  [8, 2, false, ['3'], '1997年以来的《年度考核登记表》须收集齐全，或在档案中有相应的记载', '每缺一份材料扣1分'],
  [9, 10, false, ['4-1'], '大专以上学历、学位材料齐全（本专科、研究生、同等学力、党校、国（境）外及其他学历学位，按教育部规定的材料）', '每缺一份材料扣1分'],
  [10, 2, false, ['4-4'], '1997年以来参加二个月以上理论、专业、技能等培训的须有相应的培训材料', '每缺一份材料扣0.5分'],
  [11, 7, false, ['4-2'], '评（聘）、晋升中级以上专业技术职称（职务）的须有相应的申报表、审批表等材料', '缺正高级职称材料的扣4分，缺副高级的扣3分，缺中级的扣1分'],
  [12, 2, false, ['4-2'], '通过全国统一考试取得专业技术职（执）业资格证书的，须有相应的资格考试申报（登记）表、证书复印件', '每缺一份材料扣1分'],
  [13, 6, false, ['5'], '更改出生日期的，须有上级批复、相关调查及证明材料等', '缺上级批复材料的扣4分，其他材料每缺一份扣1分'],
  [14, 4, false, ['5'], '更改参加工作时间的，须有上级批复或确认其参加工作时间的材料', '缺上级批复或确认材料的扣4分'],
  [15, 8, false, ['6'], '中共党员须有《中国共产党入党志愿书》，1985年、1990年《中国共产党党员登记表》，恢复党籍的须有审批材料；民主党派成员须有相应的入党材料', '缺入党志愿书或加入民主党派材料的扣8分，其他材料每缺一份扣2分'],
  [16, 3, false, ['7'], '获得上级以上奖励的，须有相应的奖励材料', '每缺一份材料扣1分'],
  [17, 6, false, ['8'], '任副处级以上职务后受过处分的，须有处分决定（包括免予处分的决定）材料；受开除以外的行政处分的，解除处分后还须有解除处分的决定材料', '每缺一份材料扣3分'],
  [18, 4, false, ['9-1'], '1993年后的工资材料齐全（或在《工资变动登记表》中有相应记载）', '缺材料且没有相关记载的，每缺一份扣0.5分'],
  [19, 8, false, ['9-2'], '1997年前任副处级以上职务的，须有《干部任免呈报表》或《干部任免审批表》；2008年3月以后调任机关或参照公务员法管理机关非中管职务的，须有《公务员调任审批（备案）表》', '每缺一份材料扣2分'],
  [20, 4, false, ['9-2'], '1997年以来的《干部任免审批表》应按规定逐项填写，注明任免职务的批准机关、批准时间和文号，加盖组织印章', '未按规定逐项填写或填写有误的每份扣1分；未注明批准机关、批准时间或缺组织印章的每份扣1分'],
  [21, 2, false, [], '材料分类准确，排列有序', '不符合要求的，每项扣1分'],
  [22, 3, false, [], '目录清楚，无粘贴涂改；材料类序号与页码填写准确', '不符合要求的，每项扣1分'],
  [23, 3, false, [], '无漏页、无脱页、无损坏文字的材料', '不符合要求的，每项扣1分'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('review_items', (t) => {
    t.integer('no').primary();
    t.string('criterion', 400).notNullable();
    t.string('deduction_rule', 200).notNullable();
    /** Points; a deduction never exceeds them. */
    t.double('max_score').notNullable();
    /** 单项否决: a failing veto item makes the archive 不合格 whatever its score. */
    t.boolean('veto').notNullable();
    /** JSON array of catalogue category codes where the item's materials are filed. */
    t.string('category_codes', 100).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex('review_items').insert(
    STANDARD.map(([no, maxScore, veto, categories, criterion, deductionRule]) => ({
      no,
      criterion,
      deduction_rule: deductionRule,
      max_score: maxScore,
      veto,
      category_codes: JSON.stringify(categories),
      active: true,
    })),
  );

  await knex.schema.createTable('archive_reviews', (t) => {
    t.increments('id');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    /** The office holding the archive when the review began. */
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** draft (审核中) | submitted (待复核) | confirmed (已认定) */
    t.string('status', 10).notNullable();
    t.integer('reviewer_id').notNullable().references('id').inTable('users');
    t.string('started_at', 30).notNullable();
    t.string('submitted_at', 30);
    /** The reviewer's opinion (审核意见), given at submission. */
    t.string('summary', 1000);
    /** Set at submission: the points kept, whether a veto item failed, and the pass mark then. */
    t.double('score');
    t.boolean('vetoed');
    t.double('pass_score');
    t.integer('decided_by').references('id').inTable('users');
    t.string('decided_at', 30);
    t.string('decision_note', 500);
    /** Set at confirmation: 合格 or 不合格. */
    t.boolean('passed');
    /** How many times the chief sent it back to the reviewer. */
    t.integer('returns').notNullable().defaultTo(0);
    t.index(['archive_id', 'status'], 'archive_reviews_archive');
    t.index(['custodian_org_id', 'status'], 'archive_reviews_office');
  });

  /** What happened to a review, in order: each submission, return, confirmation and withdrawal, with its note. */
  await knex.schema.createTable('archive_review_events', (t) => {
    t.increments('id');
    t.integer('review_id').notNullable().references('id').inTable('archive_reviews');
    /** submit | return | confirm | cancel */
    t.string('action', 10).notNullable();
    t.integer('actor_id').notNullable().references('id').inTable('users');
    t.string('at', 30).notNullable();
    /** The opinion (submit), the reason (return, cancel) or the chief's note (confirm). */
    t.string('note', 1000);
    /** The score at a submission or confirmation. */
    t.double('score');
    t.index(['review_id'], 'archive_review_events_review');
  });

  await knex.schema.createTable('archive_review_marks', (t) => {
    t.increments('id');
    t.integer('review_id').notNullable().references('id').inTable('archive_reviews');
    t.integer('item_no').notNullable().references('no').inTable('review_items');
    t.double('deduction').notNullable();
    t.boolean('veto').notNullable();
    /** What is wrong or missing (required). */
    t.string('note', 500).notNullable();
    /** JSON array of the archive's material ids the finding concerns. */
    t.string('material_ids', 400).notNullable();
    t.integer('marked_by').notNullable().references('id').inTable('users');
    t.string('marked_at', 30).notNullable();
    t.unique(['review_id', 'item_no'], { indexName: 'archive_review_marks_item' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('archive_review_marks');
  await knex.schema.dropTable('archive_review_events');
  await knex.schema.dropTable('archive_reviews');
  await knex.schema.dropTable('review_items');
}
