// A refusal for a body over the limit names the limit the server gives (details.maxBytes), in the
// user's language — a page image, an import file — rather than only "文件太大" (errors.ts uses
// payloadLimitText for PAYLOAD_TOO_LARGE with maxBytes).
import test from 'ava';
import { limitSize, payloadLimitText } from '../../client/src/lib/api/limit-text.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';

test('413 with its limit: 文件太大，上限为 20 MB — and in English', (t) => {
  t.is(payloadLimitText('zh', 20 * 1024 * 1024), '文件太大，上限为 20 MB。');
  t.is(payloadLimitText('en', 20 * 1024 * 1024), 'The file is too large: at most 20 MB.');
  t.is(payloadLimitText('en', 512 * 1024), 'The file is too large: at most 512 KB.');
  // As the server writes it (server/errors.ts payloadTooLarge), so the two never disagree.
  t.is(limitSize(3 * 1024 * 1024 + 300 * 1024), '3.3 MB');
  // Without a limit (a proxy in front answered) the old words stay.
  t.is(zh.errors.PAYLOAD_TOO_LARGE, '文件太大。');
});
