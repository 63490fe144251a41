// A reading-room case for tests, e2e and screenshots: pages scanned on three materials of a clean
// demo cadre (two in the categories the case grants, one outside), and a 查阅 (electronic) request
// by applicant1 with applicant2, approved by the unit head, archivist and chief — so each applicant
// holds an open grant for categories 1 and 9 and applicant1 has the 电子阅档 task.
import { PageRenderer } from '../../db/seeds/page-render.ts';
import type { TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre, type DemoCadre } from '../helpers/cases.ts';

export interface ReadingCase {
  cadre: DemoCadre;
  instanceId: string;
  caseNo: string;
  /** grant id by username */
  grants: Record<string, number>;
  /** granted: category 1 (3 pages), category 9 (1 page); refused: another category (1 page) */
  materials: { granted: number; granted9: number; refused: number };
}

let renderer: PageRenderer | undefined;

export async function scanPages(sys: TestSystem, materialId: number, pages: number, cadreName: string): Promise<void> {
  renderer ??= new PageRenderer();
  const m = await sys.services.db('materials').where({ id: materialId }).first();
  const images: Buffer[] = [];
  for (let p = 1; p <= pages; p++) {
    images.push(
      await renderer.render({ title: m.title, seqNo: m.seq_no, pageNo: p, pages, cadreName, gender: '男', birth: '1975-04-01', formedDate: m.formed_date, unit: '乌海市', lines: [`第${p}页 ${m.title}`], jitter: materialId + p }),
    );
  }
  await sys.services.db.transaction((trx) => sys.services.archives.addPageScans(trx, materialId, images));
}

/** `over`: start variables to change (e.g. `{ viewDays: 1 }` for a window ending tonight). */
export async function readingCase(sys: TestSystem, nth = 0, over: Record<string, unknown> = {}): Promise<ReadingCase> {
  const db = sys.services.db;
  const cadre = await demoCadre(sys, 'county', nth);
  const first = (prefix: string) => db('materials').where({ archive_id: cadre.archiveId }).where('category_code', 'like', `${prefix}%`).orderBy('id').first('id');
  const granted = (await first('1')).id;
  const granted9 = (await first('9')).id;
  const refused = (await first('2')).id;
  await scanPages(sys, granted, 3, cadre.name);
  await scanPages(sys, granted9, 1, cadre.name);
  await scanPages(sys, refused, 1, cadre.name);

  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { categories: ['1', '9'], ...over }) });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  const instanceId = res.body.id as string;
  await approveStep(sys, 'unithead1', instanceId, 'unitHeadReview');
  await approveStep(sys, 'archivist1', instanceId, 'archivistReview');
  await approveStep(sys, 'chief1', instanceId, 'chiefApproval');
  const rows = await db('archive_grants as g').join('users as u', 'u.id', 'g.grantee_user_id').where('g.instance_id', instanceId).select('g.id', 'u.username');
  return {
    cadre,
    instanceId,
    caseNo: res.body.businessKey,
    grants: Object.fromEntries(rows.map((r: any) => [r.username, r.id])),
    materials: { granted, granted9, refused },
  };
}
