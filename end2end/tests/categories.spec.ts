import { expect } from '@playwright/test';
import { expectAccessible, open, settled, test } from './helpers';

// `cargo xtask test` creates this Admin with the server's own command before the run.
const email = process.env.STAFF_EMAIL ?? '';
const password = process.env.STAFF_PASSWORD ?? '';

test('an editor adds a category and renames its address; the old address sends shoppers on', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  await open(page, info, '/account/sign-in?next=%2Fadmin%2Fcategories');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/categories$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Categories');
  await expectAccessible(page);

  const stamp = `${Date.now() % 100000000}-${info.project.name}`;
  const slug = `winter-walks-${stamp}`;
  await page.getByLabel('Name (English)', { exact: true }).fill(`Winter Walks ${stamp}`);
  await page.getByLabel('Address (slug)', { exact: true }).fill(slug);
  await page.getByTestId('save-category').click();
  await expect(page).toHaveURL(new RegExp(`/admin/categories\\?slug=${slug}&saved=1$`));
  await settled(page, info);
  await expect(page.getByTestId('saved')).toHaveText('Saved: version 1.');
  await expect(page.locator(`[data-test="category-row"][data-slug="${slug}"]`)).toHaveCount(1);

  // A new address: the old one answers 301 to it.
  await page.getByLabel('Address (slug)', { exact: true }).fill(`${slug}-renamed`);
  await page.getByTestId('save-category').click();
  await expect(page).toHaveURL(new RegExp(`/admin/categories\\?slug=${slug}-renamed&saved=2$`));
  const old = await page.request.get(`/c/${slug}`, { maxRedirects: 0 });
  expect(old.status()).toBe(301);
  expect(old.headers()['location']).toBe(`/c/${slug}-renamed`);
  await open(page, info, `/c/${slug}`);
  await expect(page).toHaveURL(new RegExp(`/c/${slug}-renamed$`));
  await expect(page.getByTestId('page-heading')).toHaveText(`Winter Walks ${stamp}`);
  await expectAccessible(page);
});
