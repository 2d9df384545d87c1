import { expect } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settled, test } from './helpers';

// `cargo xtask test` creates this Admin with the server's own command before the run.
const email = process.env.STAFF_EMAIL ?? '';
const password = process.env.STAFF_PASSWORD ?? '';

test('an editor writes an article with a product card and an attempted script; a shopper reads it, the script inert', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  // A script that ran would set this, or open a dialog.
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });

  // A product to embed: the first lantern the search finds.
  await open(page, info, '/search?q=lantern');
  const href = await page.getByTestId('product-card').first().locator('a.card-link').getAttribute('href');
  const code = href?.split('/')[2] ?? '';
  expect(code).not.toBe('');

  await open(page, info, '/account/sign-in?next=%2Fadmin%2Fcontent%2Fnew%3Fkind%3Darticle');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/content\/new\?kind=article$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('New article');
  await expectAccessible(page);

  const title = `Lantern light ${info.project.name} ${Date.now()}`;
  const body = [
    'A **warm** light for long evenings.',
    '',
    `[product ${code}]`,
    '',
    '<script>window.__owned = 1; alert("owned")</script>',
    '',
    '[a trap](javascript:alert("trap"))',
  ].join('\n');
  await page.getByLabel('Title (English)', { exact: true }).fill(title);
  await page.getByLabel('Topic', { exact: true }).fill('guides');
  const text = page.getByLabel('Text (English, Markdown)', { exact: true });
  if (jsEnabled(info)) {
    // Typed, the preview follows (rendered by the server, as the shop will show it).
    await text.pressSequentially('A **warm** light');
    await expect(page.getByTestId('live-preview-body_en')).toContainText('A warm light');
    await expect(page.getByTestId('live-preview-body_en').locator('strong')).toHaveText('warm');
  }
  await text.fill(body);
  // The preview button works with and without JavaScript: nothing is saved yet.
  await page.getByTestId('preview-entry').click();
  await settled(page, info);
  await expect(page.getByTestId('preview')).toContainText('A warm light for long evenings.');
  await expect(page.getByTestId('preview')).toContainText('<script>');
  await expect(page.getByLabel('Title (English)', { exact: true })).toHaveValue(title);

  await page.getByLabel('Status', { exact: true }).selectOption('published');
  await page.getByTestId('save-entry').click();
  await expect(page).toHaveURL(/\/admin\/content\/\d+\?saved=1$/);
  await settled(page, info);
  await expect(page.getByTestId('saved')).toHaveText('Saved: version 1.');

  // The shopper's view: the card links to the product, the script is text.
  await page.getByTestId('view-in-shop').click();
  await expect(page).toHaveURL(/\/journal\/lantern-light-/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText(title);
  const article = page.getByTestId('content-body');
  await expect(article).toContainText('A warm light for long evenings.');
  await expect(article).toContainText('<script>window.__owned = 1; alert("owned")</script>');
  await expect(article.getByTestId('product-card')).toHaveCount(1);
  await expect(article.getByTestId('product-card').locator('a.card-link')).toHaveAttribute('href', href ?? '');
  await expect(article.locator('a[href^="javascript:"]')).toHaveCount(0);
  if (jsEnabled(info)) {
    expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
  }
  expect(dialogs).toEqual([]);
  await expectAccessible(page);

  // Listed in the journal under its topic.
  await open(page, info, '/journal?topic=guides');
  await expect(page.getByTestId('journal').getByRole('link', { name: title })).toBeVisible();
  await expectAccessible(page);
});

test('an editor schedules a home banner and adds a promotion tile; the shop shows the tile now and the banner only from its start', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  await open(page, info, '/account/sign-in?next=%2Fadmin%2Fhome');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/home$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Home page');
  await expectAccessible(page);

  const stamp = `${info.project.name} ${Date.now()}`;
  const day = 24 * 3600 * 1000;
  const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  // A banner for tomorrow, linking to a search.
  await page.getByLabel('Kind', { exact: true }).selectOption('hero');
  await page.getByLabel('Title (English)', { exact: true }).fill(`Banner ${stamp}`);
  await page.getByLabel('Links to a', { exact: true }).selectOption('search');
  await page.getByLabel('Category, search words, product code or address', { exact: true }).fill('lantern');
  await page.getByLabel('Starts (UTC)', { exact: true }).fill(local(Date.now() + day));
  await page.getByLabel('Ends (UTC)', { exact: true }).fill(local(Date.now() + 2 * day));
  await page.getByTestId('save-slot').click();
  await expect(page).toHaveURL(/\/admin\/home\?id=\d+&saved=1$/);
  await settled(page, info);
  await expect(page.getByTestId('saved')).toHaveText('Saved: version 1.');
  const banner = page.getByTestId('slot-row').filter({ hasText: `Banner ${stamp}` });
  await expect(banner.getByTestId('slot-state')).toHaveText('Scheduled');

  // A tile, live now.
  await open(page, info, '/admin/home');
  await page.getByLabel('Kind', { exact: true }).selectOption('tile');
  await page.getByLabel('Title (English)', { exact: true }).fill(`Tile ${stamp}`);
  await page.getByLabel('Links to a', { exact: true }).selectOption('search');
  await page.getByLabel('Category, search words, product code or address', { exact: true }).fill('heart');
  await page.getByTestId('save-slot').click();
  await expect(page).toHaveURL(/\/admin\/home\?id=\d+&saved=1$/);
  await settled(page, info);
  await expect(page.getByTestId('slot-row').filter({ hasText: `Tile ${stamp}` }).getByTestId('slot-state')).toHaveText('Live');

  await open(page, info, '/');
  await expect(page.getByTestId('promo-tiles').getByRole('link', { name: `Tile ${stamp}` })).toHaveAttribute('href', '/search?q=heart');
  await expect(page.getByText(`Banner ${stamp}`)).toHaveCount(0);
  await expectAccessible(page);
});
