import { expect } from '@playwright/test';
import { expectAccessible, open, settled, test } from './helpers';

// `cargo xtask test` creates this Admin with the server's own command before the run.
const email = process.env.STAFF_EMAIL ?? '';
const password = process.env.STAFF_PASSWORD ?? '';

test('an editor imports products by CSV: a bad row is shown and nothing applies, the fixed file is checked then applied, and a shopper finds the product', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  // A category of the shop, from its navigation.
  await open(page, info, '/');
  const href = (await page.locator('a[href^="/c/"]').first().getAttribute('href')) ?? '';
  const category = href.split('/')[2] ?? '';
  expect(category).not.toBe('');

  await open(page, info, '/account/sign-in?next=%2Fadmin%2Fproducts%2Fimport');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/import$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Import and export');
  await expectAccessible(page);

  // A product code and a title word no other run uses.
  const stamp = `${Date.now() % 100000000}${info.project.name.length}${info.project.name.includes('nojs') ? 1 : 0}`;
  const code = `7${stamp}`.slice(0, 14);
  const word = `Zephyrine${stamp}`;
  const file = (price: string) => ({
    name: 'products.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      `product,sku,title_en,status,primary_category,option,price\n` +
        `${code},${code}A,${word} Garland,active,${category},Short,${price}\n` +
        `${code},${code}B,,,,Long,6.50\n`,
    ),
  });

  // A bad price: the dry run names the line and the column, and offers no apply.
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file('abc'));
  await page.getByTestId('check-import').click();
  await expect(page).toHaveURL(/\/admin\/products\/import\?file=[0-9a-f]+$/);
  await settled(page, info);
  const rejected = page.getByTestId('rejected-row');
  await expect(rejected).toHaveCount(1);
  await expect(rejected).toContainText('2');
  await expect(rejected).toContainText('price');
  await expect(page.getByTestId('apply-import')).toHaveCount(0);
  await expectAccessible(page);

  // Fixed: the dry run shows the product to add; applying adds it.
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file('4.25'));
  await page.getByTestId('check-import').click();
  await expect(page).toHaveURL(/\/admin\/products\/import\?file=[0-9a-f]+$/);
  await settled(page, info);
  await expect(page.getByTestId('rejected-row')).toHaveCount(0);
  await expect(page.getByTestId('added')).toContainText(code.toUpperCase());
  await page.getByTestId('apply-import').click();
  await expect(page).toHaveURL(/\/admin\/products\/import\?applied=1&added=1&changed=0$/);
  await settled(page, info);
  await expect(page.getByTestId('imported')).toHaveText('Imported: 1 added, 0 changed.');

  // The shopper's search finds it (live on every process within a second).
  await expect(async () => {
    await open(page, info, `/search?q=${word}`);
    await expect(page.getByTestId('product-card').filter({ hasText: `${word} Garland` })).toHaveCount(1);
  }).toPass({ timeout: 10_000 });
  await expectAccessible(page);
});
