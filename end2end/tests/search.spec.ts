import { expect } from '@playwright/test';
import { test, expectAccessible, jsEnabled, open, settled } from './helpers';

test('search tolerates a typo', async ({ page }, info) => {
  await open(page, info, '/');
  const box = page.getByRole('searchbox', { name: 'Search products' });
  await box.fill('lantren');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=lantren/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Results for “lantren”');
  const titles = await page.getByTestId('results').locator('.card-title').allTextContents();
  expect(titles.length).toBeGreaterThan(3);
  expect(titles.slice(0, 5).every((t) => /lantern/i.test(t))).toBe(true);
  await expectAccessible(page);
});

test('search for two words finds the heart T-light holders', async ({ page }, info) => {
  await open(page, info, '/search?q=heart+holder');
  const titles = await page.getByTestId('results').locator('.card-title').allTextContents();
  expect(titles[0]).toMatch(/Heart.*Holder|Holder.*Heart/i);
  expect(titles.some((t) => /Hanging Heart T-Light Holder/i.test(t))).toBe(true);
  // Facets work on search results too.
  await page.locator('a[data-facet="colour"]').first().click();
  await expect(page).toHaveURL(/q=heart\+holder.*colour=|colour=.*q=heart/);
  await settled(page, info);
  await expect(page.getByTestId('result-count')).toBeVisible();
});

test('hostile search input is answered safely', async ({ page }, info) => {
  for (const q of ["'; DROP TABLE products; --", '"quoted" <script>alert(1)</script>', '燈籠 ✨', 'a'.repeat(10_000)]) {
    const res = await open(page, info, `/search?q=${encodeURIComponent(q)}`);
    expect(res?.status(), q.slice(0, 20)).toBe(200);
    await expect(page.getByTestId('page-heading')).toBeVisible();
  }
  await expect(page.locator('.notice')).toContainText('only its beginning');
});

test('suggestions appear while typing (hydrated)', async ({ page }, info) => {
  test.skip(!jsEnabled(info), 'suggestions need JavaScript; the form works without it');
  await open(page, info, '/');
  await page.getByRole('searchbox', { name: 'Search products' }).pressSequentially('lant', { delay: 40 });
  const list = page.getByTestId('suggestions');
  await expect(list.getByRole('link').first()).toBeVisible();
  await expect(list.getByRole('link').first()).toHaveText(/lantern/i);
  await list.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/p\//);
});
