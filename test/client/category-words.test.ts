// How a category is numbered and named where the page has more than its catalogue row: a list row
// (申请类别的数字化情况), a grant's codes (阅档室 list), a form's option (查阅内容（类别）). Chinese reads as
// the printed catalogue; English by code and English name (client/src/lib/format/category-name.ts).
import test from 'ava';
import { categoryLine, categoryNumber, categoryOfCode, categoryOption } from '../../client/src/lib/format/category-name.ts';

test('a list row: 一、履历材料 in Chinese, the code and the English name in English; an office’s own name as it is', (t) => {
  t.is(categoryLine('zh', { code: '1', numeral: '一', name: '履历材料' }), '一、履历材料');
  t.is(categoryLine('en', { code: '1', numeral: '一', name: '履历材料' }), '1 Curriculum vitae materials');
  t.is(categoryLine('en', { code: '9', numeral: '九', name: '工资、任免、出国和会议代表材料' }), '9 Salary, appointments and removals, travel abroad, delegates');
  t.is(categoryLine('en', { code: '10', numeral: '十', name: '本室自定材料' }), '10 本室自定材料', 'a renamed category keeps its name');
});

test('a grant’s codes: 一 … 十 in Chinese (a sub-category by code), the English name in English', (t) => {
  t.is(categoryNumber('zh', '10'), '十');
  t.is(categoryNumber('zh', '4-1'), '4-1');
  t.is(categoryNumber('en', '4'), '4');
  t.is(categoryOfCode('zh', '9'), '九');
  t.is(categoryOfCode('en', '4-1'), '4-1 Education and degrees');
  t.is(categoryOfCode('en', '99'), '99', 'a code without a standard name');
});

test('a form’s category option reads in English when numbered as its code; other options as the form wrote them', (t) => {
  t.is(categoryOption('en', { value: '1', label: '一、履历材料' }), '1 Curriculum vitae materials');
  t.is(categoryOption('en', { value: '8', label: '八、处分材料' }), '8 Disciplinary and legal sanctions', 'a form’s short name, numbered as the code');
  t.is(categoryOption('en', { value: '4-2', label: '4-2 专业技术职务（职称）材料' }), '4-2 Professional and technical titles');
  t.is(categoryOption('zh', { value: '1', label: '一、履历材料' }), '一、履历材料');
  t.is(categoryOption('en', { value: '2', label: '同意' }), '同意', 'an option that is not a category');
  t.is(categoryOption('en', { value: '1', label: '二、自传' }), '二、自传', 'numbered as another code: not taken for category 1');
});
