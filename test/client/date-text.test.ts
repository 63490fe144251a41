// Dates as the UI prints them (client/src/lib/format/date-text.ts, behind dates.ts): Chinese and
// English read the same day in Beijing time; English never shows an ISO string where Chinese
// shows a date.
import test from 'ava';
import { calendarDateText, dateText, dateTimeText, localInputValue, shortDateTimeText } from '../../client/src/lib/format/date-text.ts';

const INSTANT = '2026-11-27T08:00:00.000Z'; // 16:00 in Beijing
const LATE = '2026-11-27T20:30:00.000Z'; // already 28 Nov, 04:30 in Beijing

test('an instant reads as the Beijing date and time in both languages', (t) => {
  t.is(dateTimeText('zh', INSTANT), '2026年11月27日 16:00');
  t.is(dateTimeText('en', INSTANT), '27 Nov 2026, 16:00');
  t.is(dateText('en', INSTANT), '27 Nov 2026');
  t.is(dateTimeText('en', LATE), '28 Nov 2026, 04:30', 'the day is Beijing’s, not UTC’s');
  t.is(dateTimeText('en', '2026-11-27T16:00:00+08:00'), '27 Nov 2026, 16:00');
});

test('a calendar date in English is "27 Nov 2026", not 2026-11-27', (t) => {
  t.is(calendarDateText('zh', '2026-11-27'), '2026年11月27日');
  t.is(calendarDateText('en', '2026-11-27'), '27 Nov 2026');
  t.is(calendarDateText('en', '2026-01-05'), '5 Jan 2026');
  // A day is not an instant: no zone moves it, whatever the runtime's zone.
  t.is(calendarDateText('en', '2026-12-31'), '31 Dec 2026');
});

test('a date field holding an instant shows its Beijing day; a date-time field holding a day shows the day', (t) => {
  t.is(calendarDateText('en', INSTANT), '27 Nov 2026');
  t.is(calendarDateText('en', LATE), '28 Nov 2026');
  t.is(calendarDateText('zh', INSTANT), '2026年11月27日');
  t.is(dateTimeText('en', '2026-11-27'), '27 Nov 2026', 'not "27 Nov 2026, 08:00" from UTC midnight');
});

test('empty stays empty and what is not a date is shown as it is', (t) => {
  t.is(calendarDateText('en', ''), '');
  t.is(calendarDateText('en', null), '');
  t.is(dateTimeText('en', undefined), '');
  t.is(calendarDateText('en', '2026-02-30'), '2026-02-30');
  t.is(calendarDateText('en', '2026年'), '2026年');
  t.is(dateTimeText('en', 'soon'), 'soon');
});

test('lists: the short form within the year, the full one otherwise', (t) => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  t.is(shortDateTimeText('en', INSTANT, now), '27 Nov, 16:00');
  t.is(shortDateTimeText('zh', INSTANT, now), '11月27日 16:00');
  t.is(shortDateTimeText('en', '2025-11-27T08:00:00Z', now), '27 Nov 2025, 16:00');
});

test('a date-time input shows Beijing wall time whatever zone the value was written in', (t) => {
  t.is(localInputValue('2026-11-27T16:00:00+08:00'), '2026-11-27T16:00');
  t.is(localInputValue(INSTANT), '2026-11-27T16:00');
  t.is(localInputValue(LATE), '2026-11-28T04:30');
  t.is(localInputValue('2026-11-27T09:15'), '2026-11-27T09:15');
  t.is(localInputValue(''), '');
  t.is(localInputValue(undefined), '');
  t.is(localInputValue('garbage'), '');
});
