// Page images of the demo's digitised archives (digital_status 'partial' after the seed). Rendering
// ~4,600 pages takes minutes on a 2-core machine, longer than a start may take, so main.ts runs
// this in the background after the server listens: material by material, each in its own
// transaction through addPageScans, progress in the log, and an archive becomes 'done' when every
// material has its pages — except the archive with the page-short material, which stays 'partial':
// 已数字化 means every material passes its check (POST /api/archives/:id/digital-status). It resumes after a restart (only materials without pages are rendered).
// Each material's scans are checked as they are filed (扫描质检, recorded in scan_checks), and one
// material of the second digitised archive is scanned a page short, as happens at a scanner, so
// that the demo's 扫描质检 list shows what a failing check looks like.
import type { Services } from '../../server/services.ts';
import type { Logger } from '../../server/logger.ts';
import { iso } from '../../server/clock.ts';
import * as archiveStore from '../../server/archives/archive-store.ts';
import { GENDERS } from '../../server/archives/codes.ts';
import { PageRenderer } from './page-render.ts';
import { prng } from './demo-cadres.ts';

const LINES: Record<string, string[]> = {
  '1': ['本人简历：自入学起至今，按时间顺序填写，不得间断。', '学习和工作经历均有证明人，所填内容真实准确。', '家庭主要成员及重要社会关系情况如实填写。'],
  '2': ['本人出生于一个普通工人家庭，自幼受到良好教育。', '参加工作以来，始终坚持学习，努力提高政治理论水平。', '在今后的工作中，我将继续严格要求自己。'],
  '3': ['该同志政治立场坚定，认真学习贯彻党的路线方针政策。', '工作认真负责，完成年度各项任务，考核等次：称职。', '廉洁自律，群众评价较好。'],
  '4': ['该生在校期间学习努力，成绩良好，修完规定课程。', '经考核成绩合格，准予毕业。', '培训期间遵守学员守则，完成全部课程，考核合格。'],
  '5': ['经审查，该同志本人政治历史清楚，无政治问题。', '其直系亲属和主要社会关系无影响录用的情形。', '经审核认定，出生日期、参加工作时间、入党时间清楚。'],
  '6': ['我志愿加入中国共产党，拥护党的纲领，遵守党的章程，', '履行党员义务，执行党的决定，严守党的纪律，', '保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身。'],
  '7': ['该同志在本年度工作中表现突出，成绩显著。', '经研究，决定给予嘉奖一次。', '希望该同志珍惜荣誉，再接再厉。'],
  '8': ['经查，该同志存在违反工作纪律的行为。', '根据有关规定，经研究决定，给予党内警告处分。', '本人对处分决定无异议。'],
  '9': ['经研究，同意该同志的工资标准按规定调整。', '拟任职务经民主推荐、考察，经集体研究决定。', '本人已知悉，所填各项内容属实。'],
  '10': ['经检查，该同志身体健康状况良好。', '兹介绍该同志前往你处，请接洽。', '以上情况属实，特此证明。'],
};

export async function renderDemoScans(s: Services, log: Logger, signal: AbortSignal, opts: { maxMaterials?: number } = {}): Promise<void> {
  const q = s.db;
  const targets = await q('archives').where({ digital_status: 'partial' }).orderBy('id').select('id');
  if (!targets.length) return;
  const todo = await q('materials as m')
    .join('archives as a', 'a.id', 'm.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .join('org_units as u', 'u.id', 'c.org_unit_id')
    .where('a.digital_status', 'partial')
    .whereNotExists(q('page_images as p').whereRaw('p.material_id = m.id').select('p.id'))
    .orderBy([{ column: 'm.archive_id' }, { column: 'm.id' }])
    .select('m.id', 'm.archive_id', 'm.title', 'm.seq_no', 'm.pages', 'm.formed_date', 'm.category_code', 'c.name', 'c.gender', 'c.birth_date', 'u.name as unit')
    .limit(opts.maxMaterials ?? 1_000_000);
  const pending = new Set(todo.map((m: { archive_id: number }) => m.archive_id));
  const shortOne = await pageShortMaterial(q);
  const shortArchive = shortOne === undefined ? undefined : (await q('materials').where({ id: shortOne }).first('archive_id'))?.archive_id;
  const complete = (archiveId: number) => (archiveId === shortArchive ? Promise.resolve() : archiveStore.setDigitalStatus(q, archiveId, 'done', iso(s.clock.now())));
  if (opts.maxMaterials === undefined) for (const t of targets) if (!pending.has(t.id)) await complete(t.id);
  const totalPages = todo.reduce((n: number, m: { pages: number }) => n + m.pages, 0);
  log.info({ archives: targets.length, materials: todo.length, pages: totalPages }, 'rendering demo page scans in the background');
  const renderer = new PageRenderer();
  let done = 0;
  let nextReport = 500;
  const started = Date.now();
  for (let i = 0; i < todo.length; i++) {
    if (signal.aborted) return;
    const m = todo[i];
    const r = prng(m.id);
    const pages: Buffer[] = [];
    const scanned = m.id === shortOne ? m.pages - 1 : m.pages;
    for (let pageNo = 1; pageNo <= scanned; pageNo++) {
      const pool = LINES[m.category_code.split('-')[0]] ?? LINES['10'];
      const start = Math.floor(r() * pool.length);
      const lines = pool.map((_, k) => pool[(start + k) % pool.length]);
      pages.push(
        await renderer.render({
          title: m.title, seqNo: m.seq_no, pageNo, pages: m.pages, cadreName: m.name, gender: GENDERS[m.gender as '1' | '2']?.zh ?? '',
          birth: m.birth_date, formedDate: m.formed_date, unit: m.unit, lines, jitter: Math.floor(r() * 1000),
        }),
      );
    }
    await s.db.transaction(async (trx) => {
      await s.archives.addPageScans(trx, m.id, pages);
      await s.archives.checkScans(m.id, trx, { trigger: 'upload', actorId: null });
    });
    done += scanned;
    const last = opts.maxMaterials === undefined && (i === todo.length - 1 || todo[i + 1].archive_id !== m.archive_id);
    if (last) await complete(m.archive_id);
    if (done >= nextReport || i === todo.length - 1) {
      log.info({ pages: done, of: totalPages, seconds: Math.round((Date.now() - started) / 1000) }, 'demo page scans');
      nextReport += 500;
    }
  }
}

/**
 * The material scanned a page short: the first with 3 pages or more of the second digitised demo
 * archive (by id, whatever its progress, so that a resumed rendering picks the same one).
 */
export async function pageShortMaterial(q: Services['db']): Promise<number | undefined> {
  const second = await q('archives').whereNot('digital_status', 'none').orderBy('id').offset(1).first('id');
  if (!second) return undefined;
  const row = await q('materials').where('archive_id', second.id).andWhere('pages', '>=', 3).orderBy('id').first('id');
  return row?.id;
}
