// Synthetic cadres for the demo (no real person's data): plausible names, ID numbers with a valid
// check digit, and life dates in the order a real record shows them — born, school, work, Party.
// Everything comes from a seeded PRNG, so every demo database is the same.
import { idCheckDigit } from '../../server/archives/validate.ts';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const between = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const MALE = '伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
const FEMALE = '秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽';

/** Native places with the 6-digit area code an ID number issued there starts with. */
export const PLACES: Array<[place: string, code: string, weight: number]> = [
  ['内蒙古乌海', '150302', 10],
  ['内蒙古乌海', '150303', 5],
  ['内蒙古乌海', '150304', 5],
  ['内蒙古包头', '150203', 5],
  ['内蒙古呼和浩特', '150102', 4],
  ['内蒙古鄂尔多斯', '150602', 4],
  ['内蒙古巴彦淖尔', '150802', 3],
  ['宁夏石嘴山', '640202', 3],
  ['河北保定', '130602', 2],
  ['山西大同', '140202', 2],
  ['陕西榆林', '610802', 2],
  ['山东菏泽', '371702', 1],
  ['河南商丘', '411402', 1],
];
const ETHNICITIES: Array<[string, number]> = [['汉族', 84], ['蒙古族', 10], ['回族', 3], ['满族', 3]];

function weighted<T>(r: Rng, xs: Array<[T, number]>): T {
  const total = xs.reduce((n, [, w]) => n + w, 0);
  let x = r() * total;
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1][0];
}

export const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const date = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
export const addYears = (iso: string, years: number, r?: Rng): string => {
  const y = Number(iso.slice(0, 4)) + years;
  if (!r) return `${y}${iso.slice(4)}`;
  return date(y, between(r, 1, 12), between(r, 1, 28));
};

export interface PersonSeed {
  name: string;
  gender: '1' | '2';
  birth_date: string;
  ethnicity: string;
  native_place: string;
  id_number: string;
  education: string;
  degree: string | null;
  /** When the highest schooling ended (graduation), and the years it took. */
  graduated: string;
  school_years: number;
  work_start_date: string;
  political_status: string;
  party_join_date: string | null;
  league_join_date: string;
}

export function makeName(r: Rng, gender: '1' | '2'): string {
  const chars = gender === '1' ? MALE : FEMALE;
  return pick(r, [...SURNAMES]) + pick(r, [...chars]) + (r() < 0.65 ? pick(r, [...chars]) : '');
}

/** A person born between the years given; serial keeps ID numbers unique within the demo. */
export function makePerson(r: Rng, serial: number, opts: { fromYear: number; toYear: number; gender?: '1' | '2'; name?: string; today: string }): PersonSeed {
  const gender = opts.gender ?? (r() < 0.68 ? '1' : '2');
  const name = opts.name ?? makeName(r, gender);
  const birth = date(between(r, opts.fromYear, opts.toYear), between(r, 1, 12), between(r, 1, 28));
  const [native_place, area] = (() => {
    const p = weighted(r, PLACES.map((x) => [[x[0], x[1]] as [string, string], x[2]]));
    return p;
  })();
  // 3-digit sequence: odd for men, even for women (GB 11643); made unique by the serial.
  const seq = ((serial * 2) % 998) + (gender === '1' ? 1 : 2);
  const first17 = `${area}${birth.replace(/-/g, '')}${pad(seq % 1000, 3)}`;
  const id_number = first17 + idCheckDigit(first17);
  const edu = weighted<[string, string | null, number]>(r, [
    [['研究生', '硕士', 7], 2],
    [['大学本科', '学士', 4], 6],
    [['大学专科', null, 3], 2],
  ]);
  const by = Number(birth.slice(0, 4));
  const graduated = date(by + 18 + edu[2], 7, between(r, 1, 10));
  const work_start_date = date(by + 18 + edu[2], between(r, 8, 9), between(r, 1, 28));
  const member = r() < 0.86;
  const partyYear = Number(work_start_date.slice(0, 4)) + between(r, 1, 7);
  let party_join_date = member ? date(partyYear, between(r, 1, 12), between(r, 1, 28)) : null;
  if (party_join_date && party_join_date > opts.today) party_join_date = null;
  return {
    name,
    gender,
    birth_date: birth,
    ethnicity: weighted(r, ETHNICITIES),
    native_place,
    id_number,
    education: edu[0],
    degree: edu[1],
    graduated,
    school_years: edu[2],
    work_start_date,
    political_status: party_join_date ? '中共党员' : pick(r, ['群众', '群众', '民盟盟员', '九三学社社员']),
    party_join_date,
    league_join_date: date(by + between(r, 14, 16), 5, 4),
  };
}
