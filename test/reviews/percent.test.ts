// One percent for a review's score (server/reviews/percent.ts), read by 待复核, a review's page and
// lists, 统计分析 and the pass mark on confirming. Regression: 79.96 % showed "80.0" beside a pass
// mark of 80 (rounded), and confirming it then gave 不合格 by another formula. At the edge the
// figure shown is truncated, so it never reads as a pass that fails; the decision is the exact one.
import test from 'ava';
import { passes, scorePercent, shownPercent } from '../../server/reviews/percent.ts';
import { loadConfig } from '../../server/config.ts';

test('at the edge the figure shown never reads as a pass when the decision fails: 79.96 shows 79.9', (t) => {
  // 999.5 of 1250 points is 79.96 of 100.
  t.is(scorePercent(999.5, 1250), 79.96);
  t.is(shownPercent(999.5, 1250), 79.9);
  t.false(passes(999.5, 1250, 80, false));
  // 799.5 of 1000 is 79.95: rounding said 80.0.
  t.is(shownPercent(799.5, 1000), 79.9);
  t.false(passes(799.5, 1000, 80, false));
  // Exactly the pass mark passes and shows it.
  t.is(shownPercent(1000, 1250), 80);
  t.true(passes(1000, 1250, 80, false));
});

test('the shown figure reaches the pass mark exactly when the decision passes, for every score in steps of 0.5', (t) => {
  for (const total of [100, 147, 1250, 333]) {
    for (let k = 0; k <= total * 2; k++) {
      const score = k / 2;
      const ok = passes(score, total, 80, false);
      if ((shownPercent(score, total) >= 80) !== ok) return t.fail(`${score} of ${total}: shown ${shownPercent(score, total)}, passes ${ok}`);
    }
  }
  t.pass();
});

test('a legacy version’s 87 of 147 is 59.1 (59.18…, truncated); a 100-point version’s score is itself; a veto fails whatever the score', (t) => {
  t.is(shownPercent(87, 147), 59.1);
  t.is(shownPercent(95, 100), 95);
  t.is(shownPercent(80.5, 100), 80.5);
  t.is(shownPercent(80.3 * 7, 700), 80.3, 'no float noise cuts a tenth off');
  t.false(passes(100, 100, 80, true));
});

test('the pass mark takes at most one decimal, as scores are shown: a finer one would let a shown 59.9 pass', (t) => {
  t.is(loadConfig({ REVIEW_PASS_SCORE: "79.5" }).params.reviewPassScore, 79.5);
  t.is(loadConfig({}).params.reviewPassScore, 80);
  t.throws(() => loadConfig({ REVIEW_PASS_SCORE: '59.95' }), { message: /REVIEW_PASS_SCORE/ });
});
