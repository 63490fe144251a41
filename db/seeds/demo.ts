// Demo data (DESIGN.md "Demo data"): the Wuhai org tree and the demo users. Seeded on an empty
// database when DANGAN_DEMO is on. A real installation seeds none of this.
import type { Db } from '../../server/db.ts';
import type { Clock } from '../../server/clock.ts';
import { iso } from '../../server/clock.ts';
import { hashPassword } from '../../server/people/passwords.ts';
import * as people from '../../server/people/store.ts';
import { seedArchiveDemo } from './demo-archives.ts';
import { seedReviewDemo } from './demo-reviews.ts';

export const DEMO_PASSWORD = 'Dangan@2026';
/** RFC 6238 demo secret shared by the three administrators (demo only). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

interface OrgSpec {
  code: string;
  name: string;
  kind: 'region' | 'unit' | 'department';
  custodian?: boolean;
  children?: OrgSpec[];
}

export const DEMO_ORG: OrgSpec = {
  code: '150000',
  name: '内蒙古自治区',
  kind: 'region',
  children: [
    {
      code: '150300',
      name: '乌海市',
      kind: 'region',
      children: [
        {
          code: '150300-ZZB',
          name: '乌海市委组织部',
          kind: 'unit',
          children: [{ code: '150300-ZZB-DAS', name: '乌海市委组织部干部档案室', kind: 'department', custodian: true }],
        },
        { code: '150300-JW', name: '乌海市纪委监委', kind: 'unit' },
        { code: '150300-RSJ', name: '乌海市人力资源和社会保障局', kind: 'unit' },
        {
          code: '150302',
          name: '海勃湾区',
          kind: 'region',
          children: [
            {
              code: '150302-ZZB',
              name: '海勃湾区委组织部',
              kind: 'unit',
              children: [{ code: '150302-ZZB-DAS', name: '海勃湾区委组织部干部档案室', kind: 'department', custodian: true }],
            },
          ],
        },
        { code: '150303', name: '海南区', kind: 'region' },
        { code: '150304', name: '乌达区', kind: 'region' },
      ],
    },
  ],
};

export const DEMO_USERS: Array<{ username: string; displayName: string; org: string; roles: string[] }> = [
  { username: 'applicant1', displayName: '王建国', org: '150300-JW', roles: ['applicant'] },
  { username: 'applicant2', displayName: '李红梅', org: '150300-JW', roles: ['applicant'] },
  { username: 'unithead1', displayName: '张志强', org: '150300-JW', roles: ['unit_head'] },
  { username: 'archivist1', displayName: '刘晓燕', org: '150300-ZZB-DAS', roles: ['archivist'] },
  { username: 'chief1', displayName: '陈立新', org: '150300-ZZB-DAS', roles: ['archive_chief'] },
  { username: 'leader1', displayName: '赵文华', org: '150300-ZZB', roles: ['auth_leader'] },
  { username: 'producer1', displayName: '孙丽娜', org: '150300-RSJ', roles: ['producer'] },
  { username: 'receiver1', displayName: '周海涛', org: '150302-ZZB-DAS', roles: ['archivist'] },
  { username: 'procadmin', displayName: '吴国平', org: '150300-ZZB', roles: ['process_admin'] },
  { username: 'sysadmin', displayName: '郑明', org: '150300-ZZB', roles: ['sys_admin'] },
  { username: 'secadmin', displayName: '冯涛', org: '150300-ZZB', roles: ['sec_admin'] },
  { username: 'auditor', displayName: '何静', org: '150300-ZZB', roles: ['auditor'] },
];

async function insertTree(db: Db, spec: OrgSpec, parentId: number | null, order: number): Promise<void> {
  const row = await people.insertOrgUnit(db, {
    code: spec.code,
    name: spec.name,
    kind: spec.kind,
    parent_id: parentId,
    is_custodian: !!spec.custodian,
    sort_order: order,
  });
  let i = 0;
  for (const child of spec.children ?? []) await insertTree(db, child, row.id, i++);
}

/** Seeds the demo org and users when there are no users yet. Returns whether it seeded. */
export async function seedDemo(db: Db, clock: Clock, scryptN: number): Promise<boolean> {
  if ((await people.countUsers(db)) > 0) return false;
  const hash = await hashPassword(DEMO_PASSWORD, scryptN);
  await db.transaction(async (trx) => {
    await insertTree(trx as unknown as Db, DEMO_ORG, null, 0);
    for (const u of DEMO_USERS) {
      const org = await people.findOrgUnitByCode(trx, u.org);
      const isAdmin = u.roles.some((r) => ['sys_admin', 'sec_admin', 'auditor'].includes(r));
      await people.insertUser(
        trx,
        {
          username: u.username,
          display_name: u.displayName,
          org_unit_id: org!.id,
          password_hash: hash,
          password_changed_at: iso(clock.now()),
          must_change_password: false,
          failed_logins: 0,
          locked_until: null,
          totp_secret: isAdmin ? DEMO_TOTP_SECRET : null,
          disabled: false,
          is_demo: true,
          language: 'zh',
          email: `${u.username}@dangan.example`,
          created_at: iso(clock.now()),
        },
        u.roles,
      );
    }
    await seedArchiveDemo(trx, clock);
    await seedReviewDemo(trx, clock);
  });
  return true;
}
