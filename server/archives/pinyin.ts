// Search keys of a Chinese name: full pinyin without tones or spaces (the sort key: 拼音序, as
// a printed register is ordered) and the initials people type (王建国 → wjg).
import { pinyin } from 'pinyin-pro';

export function nameKeys(name: string): { name_pinyin: string; name_initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }) as string[];
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''));
  return {
    name_pinyin: clean.join('').slice(0, 120),
    name_initials: clean.map((s) => s[0] ?? '').join('').slice(0, 20),
  };
}
