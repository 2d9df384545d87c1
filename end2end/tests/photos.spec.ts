import { expect } from '@playwright/test';
import * as zlib from 'zlib';
import { expectAccessible, open, settled, test } from './helpers';

// `cargo xtask test` creates this Admin with the server's own command before the run.
const email = process.env.STAFF_EMAIL ?? '';
const password = process.env.STAFF_PASSWORD ?? '';

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, sum]);
}

/** A w x h PNG: a warm gradient, like a lantern at dusk (made here: nothing is fetched). */
function gradientPng(w: number, h: number): Buffer {
  const row = w * 3 + 1;
  const raw = Buffer.alloc(row * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = y * row + 1 + x * 3;
      raw[at] = 200 + Math.round((55 * x) / w);
      raw[at + 1] = Math.round((160 * y) / h);
      raw[at + 2] = 60;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('an editor creates a product with a photo and publishes it; a shopper finds it by search and on its category page', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  await open(page, info, '/account/sign-in?next=%2Fadmin%2Fproducts%2Fnew');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/new$/);
  await settled(page, info);

  const code = `PH${Date.now() % 10000000}${info.parallelIndex}`;
  const title = `Moonlit Paper Lantern ${code}`;
  await page.getByLabel('Product code', { exact: true }).fill(code);
  await page.getByLabel('Title (English)', { exact: true }).fill(title);
  await page.getByLabel('Description (English)', { exact: true }).fill('A folding paper lantern that glows amber.');
  await page.getByLabel('Status', { exact: true }).selectOption('active');
  const main = page.getByLabel('Main category', { exact: true });
  const category = (await main.locator('option').nth(1).getAttribute('value')) ?? '';
  await main.selectOption(category);
  await page.getByLabel('Item number 1', { exact: true }).fill(`${code}A`);
  await page.getByLabel('Option 1', { exact: true }).fill('Standard');
  await page.getByLabel('Price (£, VAT included) 1', { exact: true }).fill('12.50');
  await page.getByTestId('save-product').click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${code}\\?saved=1$`));
  await settled(page, info);

  // The photo: uploaded on the product's page, with its alt text.
  await expect(page.getByTestId('no-photos')).toBeVisible();
  await page.getByLabel('Picture file', { exact: true }).setInputFiles({
    name: 'moonlit.png',
    mimeType: 'image/png',
    buffer: gradientPng(800, 600),
  });
  await page.getByLabel('Alt text (English)', { exact: true }).fill('A paper lantern glowing amber at dusk');
  await page.getByTestId('add-photo').click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${code}\\?photo=added#photos$`));
  await settled(page, info);
  await expect(page.getByTestId('photo-notice')).toHaveText('Photo added.');
  await expect(page.getByTestId('photo-row')).toHaveCount(1);
  await expectAccessible(page);

  // A shopper searches for it: its card shows the photo, in the sizes the server made.
  await open(page, info, `/search?q=${encodeURIComponent(title)}`);
  const card = page.locator('[data-test="product-card"]', { hasText: title });
  await expect(card).toHaveCount(1);
  const photo = card.locator('img[data-test="photo"]');
  await expect(photo).toHaveAttribute('srcset', /\/media\/[0-9a-f]{32}\/320\.jpg 320w, \/media\/[0-9a-f]{32}\/640\.jpg 640w, \/media\/[0-9a-f]{32}\/800\.jpg 800w/);
  await expect(photo).toHaveAttribute('loading', 'lazy');
  await photo.scrollIntoViewIfNeeded();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expectAccessible(page);

  // ... and on its category page (newest first), then opens it: the photo, described.
  await open(page, info, `/c/${category}?sort=newest`);
  const listed = page.locator('[data-test="product-card"]', { hasText: title });
  await expect(listed).toHaveCount(1);
  await expect(listed.locator('img[data-test="photo"]')).toHaveCount(1);
  await listed.getByRole('link', { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${code}/`));
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText(title);
  const big = page.getByRole('img', { name: 'A paper lantern glowing amber at dusk' });
  await expect(big).toBeVisible();
  await expect(big).toHaveAttribute('width', '480');
  await expect(big).toHaveAttribute('height', '360');
  await expectAccessible(page);
});
