// 库房核对 in English: the note about archives of cadres the user must avoid reads as a sentence
// ("Not listed to you: 2 of cadres you must avoid" was not one), in the singular too.
import test from 'ava';
import { fill } from '../../client/src/lib/i18n/fill.ts';
import { en } from '../../client/src/lib/i18n/en.ts';

test('the stock check’s English note about avoided cadres reads as a sentence, in the singular too', (t) => {
  t.is(fill(en.stock.hidden, { n: 2 }), '2 more archives belong to cadres you must avoid: they are not listed to you, and a colleague checks them.');
  t.is(fill(en.stock.hidden, { n: 1 }), '1 more archive belongs to a cadre you must avoid: it is not listed to you, and a colleague checks it.');
});
