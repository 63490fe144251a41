// Search keys of a Chinese name: full pinyin without tones or spaces (the sort key: 拼音序, as
// a printed register is ordered) and the initials people type (王建国 → wjg). The name's head is
// read as a surname (pinyin-pro's surname: 'head'): 曾诚 is zeng cheng, 单伟 shan wei, 解放 xie
// fang, 仇明 qiu ming, 乐嘉 yue jia — not the characters' common readings ceng, dan, jie, chou, le —
// so such names are found under, and sort among, the letter of their surname. Where the common
// reading differs, it is kept as name_pinyin_alt so that a user typing "cengcheng" finds 曾诚 too.
import { pinyin } from 'pinyin-pro';

export interface NameKeys {
  name_pinyin: string;
  name_initials: string;
  /** The full pinyin with every character read as usual, when that differs from name_pinyin; else null. */
  name_pinyin_alt: string | null;
}

function syllables(name: string, surname: 'head' | 'off'): string[] {
  const out = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true, surname }) as string[];
  return out.map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

export function nameKeys(name: string): NameKeys {
  const read = syllables(name, 'head');
  const name_pinyin = read.join('').slice(0, 120);
  const plain = syllables(name, 'off').join('').slice(0, 120);
  return {
    name_pinyin,
    name_initials: read.map((s) => s[0] ?? '').join('').slice(0, 20),
    name_pinyin_alt: plain === name_pinyin ? null : plain,
  };
}
