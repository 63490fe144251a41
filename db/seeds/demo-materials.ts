// The catalogue of a synthetic cadre: materials in the categories a real archive has, titled as
// real forms are, each dated after the life event it records and never after today.
import { addYears, between, date, pick, type PersonSeed, type Rng } from './demo-cadres.ts';

export interface DemoMaterial {
  category: string;
  title: string;
  formed_date: string;
  pages: number;
  is_copy: boolean;
  copy_date: string | null;
  remark: string | null;
}

const year = (iso: string) => Number(iso.slice(0, 4));

export function materialsFor(r: Rng, p: PersonSeed, level: string, today: string, opts: { disciplined: boolean }): DemoMaterial[] {
  const out: DemoMaterial[] = [];
  const add = (category: string, title: string, formed: string, pages: number, extra: Partial<DemoMaterial> = {}) => {
    if (formed > today) return;
    // A copy is made after the original is formed, and not after today.
    if (extra.copy_date && (extra.copy_date < formed || extra.copy_date > today)) extra.copy_date = formed < `${year(today) - 1}-01-01` ? date(year(today) - 1, between(r, 1, 12), between(r, 1, 28)) : today;
    out.push({ category, title, formed_date: formed, pages, is_copy: false, copy_date: null, remark: null, ...extra });
  };
  const ws = p.work_start_date;
  const wy = year(ws);
  const ty = year(today);
  const senior = ['provincial', 'municipal'].includes(level);
  const promotions = Math.min(ty - wy - 3, ({ provincial: 5, municipal: 4, county: 3, unit: 2, central: 5 } as Record<string, number>)[level] ?? 2);
  const promotionYears = [...new Set(Array.from({ length: Math.max(promotions, 0) }, () => between(r, wy + 3, ty - 1)))].sort();

  // 一 履历
  add('1', '干部履历表', date(wy, 12, between(r, 1, 28)), 4);
  if (wy < 1999) add('1', '干部履历表（1999年版）', date(1999, between(r, 3, 11), between(r, 1, 28)), 4);
  if (wy < 2015) add('1', '干部履历表（2015年版）', date(2015, between(r, 3, 11), between(r, 1, 28)), 4);
  // 二 自传和思想
  add('2', '自传', date(wy, between(r, 9, 12), between(r, 1, 28)), 3);
  if (senior) add('2', '领导干部个人有关事项报告表', date(ty - 1, between(r, 1, 3), between(r, 1, 28)), 6, { remark: '年度集中报告' });
  // 三 考核鉴定
  add('3', '高等学校毕业生鉴定表', addYears(p.graduated, 0), 1);
  for (const y of [...new Set([between(r, wy + 1, ty - 1), between(r, wy + 1, ty - 1), ty - 1])].sort()) {
    add('3', `${y}年度公务员年度考核登记表`, date(y + 1, 1, between(r, 10, 28)), 1);
  }
  for (const y of promotionYears) add('3', '干部考察材料', date(y, between(r, 3, 6), between(r, 1, 28)), 2);
  // 四 学历学位、职称、科研、培训
  const entered = year(p.graduated) - p.school_years;
  add('4-1', '高中毕业生登记表', date(entered, 6, between(r, 10, 28)), 2);
  add('4-1', '高等学校毕业生登记表', p.graduated, 2);
  add('4-1', `${p.education}毕业证书`, p.graduated, 1, { is_copy: true, copy_date: date(ty - between(r, 1, 8), between(r, 1, 12), between(r, 1, 28)), remark: '复印件，经核对与原件一致' });
  if (p.degree) add('4-1', `${p.degree}学位证书`, p.graduated, 1, { is_copy: true, copy_date: date(ty - between(r, 1, 8), between(r, 1, 12), between(r, 1, 28)), remark: '复印件，经核对与原件一致' });
  if (r() < 0.45) add('4-2', pick(r, ['专业技术职务任职资格评审表', '经济师资格证书', '工程师任职资格评审表']), date(wy + between(r, 4, 10), between(r, 1, 12), between(r, 1, 28)), 3);
  if (r() < 0.25) add('4-3', pick(r, ['科研成果登记表', '论文获奖证书', '调研报告获奖通报']), date(wy + between(r, 5, 15), between(r, 1, 12), between(r, 1, 28)), 2);
  add('4-4', '党校学员学习登记表', date(wy + between(r, 6, 14), between(r, 4, 12), between(r, 1, 28)), 2);
  if (r() < 0.6) add('4-4', '干部教育培训结业证书', date(ty - between(r, 1, 6), between(r, 4, 12), between(r, 1, 28)), 1, { is_copy: true, copy_date: date(ty - 1, between(r, 1, 12), between(r, 1, 28)) });
  // 五 政审、审计和审核
  add('5', '公务员录用政治审查表', date(wy, between(r, 5, 7), between(r, 1, 28)), 2);
  if (wy < 2015) add('5', '干部人事档案专项审核认定表', date(2016, between(r, 1, 6), between(r, 1, 28)), 2);
  if (senior && r() < 0.5) add('5', '经济责任审计结果报告', date(ty - between(r, 1, 5), between(r, 1, 12), between(r, 1, 28)), 4);
  // 六 党、团
  add('6', '中国共产主义青年团入团志愿书', p.league_join_date, 4);
  if (p.party_join_date) {
    const pj = p.party_join_date;
    add('6', '入党申请书', date(year(pj) - 1, between(r, 1, 12), between(r, 1, 28)), 2);
    add('6', '中国共产党入党志愿书', pj, 8);
    add('6', '预备党员转正申请书', addYears(pj, 1), 1);
  }
  // 七 表彰奖励
  if (r() < 0.55) add('7', '公务员嘉奖审批表', date(between(r, wy + 2, ty - 1), 1, between(r, 10, 28)), 1);
  if (r() < 0.25) add('7', '优秀共产党员表彰决定', date(between(r, wy + 3, ty - 1), 7, 1), 1);
  // 八 处分 (rare)
  if (opts.disciplined) {
    const y = between(r, wy + 5, ty - 2);
    add('8', '关于给予党内警告处分的决定', date(y, between(r, 3, 10), between(r, 1, 28)), 2);
    add('8', '本人对处分决定的意见', date(y, 11, between(r, 1, 28)), 1);
  }
  // 九 工资、任免、出国、会议代表
  add('9-1', '新录用人员工资审批表', date(wy, between(r, 9, 12), between(r, 1, 28)), 1);
  if (wy < 2006) add('9-1', '公务员工资套改审批表', date(2006, 7, between(r, 1, 28)), 1);
  if (wy < 2015) add('9-1', '机关事业单位工资改革审批表', date(2015, 1, between(r, 10, 28)), 1);
  add('9-2', '公务员录用审批表', date(wy, between(r, 6, 8), between(r, 1, 28)), 1);
  for (const y of promotionYears) add('9-2', '干部任免审批表', date(y, between(r, 6, 11), between(r, 1, 28)), 2);
  if (r() < (senior ? 0.5 : 0.15)) add('9-3', '因公临时出国（境）审批表', date(between(r, wy + 5, ty - 1), between(r, 1, 12), between(r, 1, 28)), 2);
  if (senior && r() < 0.25) add('9-4', '乌海市人民代表大会代表登记表', date(2022, 1, between(r, 5, 20)), 2);
  // 十 其他
  if (r() < 0.5) add('10', '干部健康检查表', date(ty - between(r, 1, 4), between(r, 3, 10), between(r, 1, 28)), 2);
  if (r() < 0.3) add('10', '干部调动介绍信', date(between(r, wy + 2, ty - 1), between(r, 1, 12), between(r, 1, 28)), 1);
  // Within a category the catalogue runs by formation date (DOMAIN.md §2.1).
  return out.sort((a, b) => a.category.localeCompare(b.category) || a.formed_date.localeCompare(b.formed_date));
}
