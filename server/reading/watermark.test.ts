import test from 'ava';
import sharp from 'sharp';
import { watermarkPage } from './watermark.ts';

const LINES = ['查阅人 王守行 乌海市委组织部', 'CY-2026-0012', '2026-11-27 14:05'];

/** A grey "scan": ruled lines on off-white paper, no colour anywhere. */
async function scan(width: number, height: number): Promise<Buffer> {
  const rules = Array.from({ length: Math.floor(height / 40) }, (_, i) => `<line x1="40" y1="${40 + i * 40}" x2="${width - 40}" y2="${40 + i * 40}" stroke="#444" stroke-width="2"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#ececea"/>${rules.join('')}</svg>`;
  return sharp(Buffer.from(svg)).toColourspace('b-w').jpeg({ quality: 85 }).toBuffer();
}

/** Pixels redder than grey by more than `by` (the watermark ink; tiles are 20 % opaque) in a region. */
async function reddish(img: Buffer, region: { left: number; top: number; width: number; height: number }, by = 8): Promise<number> {
  const { data, info } = await sharp(img).extract(region).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i] - data[i + 1] > by) n++;
  return n;
}

test('the page comes back scaled, as JPEG, with the watermark in the pixels and the clean scan nowhere', async (t) => {
  const clean = await scan(1240, 1754);
  const out = await watermarkPage(clean, LINES, { maxWidth: 800 });
  t.is(out.contentType, 'image/jpeg');
  t.is(out.width, 800);
  t.is(out.height, Math.round((1754 * 800) / 1240));
  const meta = await sharp(out.data).metadata();
  t.is(meta.format, 'jpeg');
  t.deepEqual([meta.width, meta.height], [out.width, out.height]);
  t.notDeepEqual(out.data, clean);

  // The clean scan has no red at all; the bottom band and the page body carry the ink.
  const band = { left: 0, top: out.height - 20, width: out.width, height: 20 };
  t.is(await reddish(await sharp(clean).resize(800).jpeg().toBuffer(), band), 0);
  t.true((await reddish(out.data, band, 40)) > 300, 'the clear line at the bottom, in full ink');
  t.true((await reddish(out.data, { left: 0, top: 0, width: out.width, height: out.height - 40 })) > 2000, 'the diagonal tiles');
});

test('the watermark depends on its text, and PNG is available', async (t) => {
  const clean = await scan(600, 850);
  const a = await watermarkPage(clean, LINES, { format: 'png' });
  const b = await watermarkPage(clean, ['查阅人 另一人 海勃湾区委组织部', 'CY-2026-0013', '2026-11-27 14:06'], { format: 'png' });
  t.is(a.contentType, 'image/png');
  t.is((await sharp(a.data).metadata()).format, 'png');
  t.deepEqual([a.width, a.height], [600, 850]);
  t.notDeepEqual(a.data, b.data);
});

test('a thumbnail still carries the watermark; no text means no image', async (t) => {
  const clean = await scan(1240, 1754);
  const thumb = await watermarkPage(clean, LINES, { maxWidth: 160 });
  t.is(thumb.width, 160);
  t.true((await reddish(thumb.data, { left: 0, top: 0, width: thumb.width, height: thumb.height })) > 50);
  await t.throwsAsync(watermarkPage(clean, ['  ', '']), { message: /no watermark text/ });
});
