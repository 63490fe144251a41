// The paper receipt and the paper return of a transfer to outside Dangan say what is wrong in words,
// in Chinese and English: a blank signer or reason is asked for by name, a malformed date gets one
// message, and an order no longer waiting for its receipt names its status, not the status code.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cityCadre, order, prepareAndApprove, send } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
type Detail = { field: string; message: string };
const at = (body: any, field: string): string[] => (body.details as Detail[]).filter((d) => d.field === field).map((d) => d.message);

test.serial('blank fields and a malformed date are refused in words, once per field; a late return names the status', async (t) => {
  const leaving = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const started = await archivist.post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: leaving.cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕71号', noticeDate: '2026-11-01' },
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  await prepareAndApprove(sys, started.body.id, leaving.cadreId);
  t.is((await send(sys, started.body.id)).status, 200);
  const o = await order(sys, started.body.id);

  const blankSigner = await archivist.post(`/api/transfers/${o.id}/receipt`, { receivedOn: today(), signer: '   ' });
  t.is(blankSigner.status, 400);
  t.deepEqual(at(blankSigner.body, 'signer'), ['请填写回执上的收件人 / give the name of who signed the receipt']);

  const slashes = await archivist.post(`/api/transfers/${o.id}/receipt`, { receivedOn: '2026/11/28', signer: '张伟' });
  t.is(slashes.status, 400);
  t.deepEqual(at(slashes.body, 'receivedOn'), ['签收日期应写作 YYYY-MM-DD / the date of receipt is written YYYY-MM-DD']);
  const noSuchDay = await archivist.post(`/api/transfers/${o.id}/receipt`, { receivedOn: '2026-02-30', signer: '张伟' });
  t.deepEqual(at(noSuchDay.body, 'receivedOn'), ['签收日期不是有效的日期 / the date of receipt is not a date that exists']);

  const blankReason = await archivist.post(`/api/transfers/${o.id}/return`, { reason: ' ' });
  t.is(blankReason.status, 400);
  t.deepEqual(at(blankReason.body, 'reason'), ['请填写退回原因 / give the reason for the return']);
  const short = await archivist.post(`/api/transfers/${o.id}/return`, { reason: '缺' });
  t.deepEqual(at(short.body, 'reason'), ['退回原因至少 2 个字 / the reason for the return takes at least 2 characters']);
  t.is((await order(sys, started.body.id)).status, 'sent');

  t.is((await archivist.post(`/api/transfers/${o.id}/receipt`, { receivedOn: today(), signer: '张伟' })).status, 200);
  const late = await archivist.post(`/api/transfers/${o.id}/return`, { reason: '缺少任免审批表。' });
  t.is(late.status, 409);
  t.is(late.body.code, 'NOT_AWAITING_RECEIPT');
  t.regex(late.body.message, /^转递单已是“已回执”，不在等待回执 \/ The order is “Receipt returned”, not waiting for a receipt$/);
  t.notRegex(late.body.message, /receipted/);
});
