import { expect } from '@playwright/test';
import { test, expectAccessible, isSameDocument, jsEnabled, markDocument, open, settled } from './helpers';

test('home -> category -> filter -> product', async ({ page }, info) => {
  const home = await open(page, info, '/');
  expect(home?.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Thousands of gifts, from one lantern to a shop's worth");
  await expect(page.getByTestId('trust-line').getByRole('link')).toHaveCount(4);
  await expect(page.getByTestId('bestsellers').getByTestId('product-card')).toHaveCount(8);
  await expect(page.getByTestId('new-arrivals').getByTestId('product-card')).toHaveCount(8);
  await expectAccessible(page);

  // A featured category.
  await page.getByTestId('featured-categories').getByRole('link', { name: /Home décor/ }).click();
  await expect(page).toHaveURL(/\/c\/home-decor$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Home décor');
  const before = await page.getByTestId('result-count').textContent();
  await expectAccessible(page);

  // Filter by colour: the URL carries it, the count shrinks.
  if (jsEnabled(info)) await markDocument(page);
  await page.locator('a[data-facet="colour"][data-value="red"]').click();
  await expect(page).toHaveURL(/colour=red/);
  await expect(page.getByTestId('result-count')).not.toHaveText(before ?? '');
  await expect(page.locator('a[data-facet="colour"][data-value="red"]')).toHaveAttribute('aria-current', 'true');
  if (jsEnabled(info)) {
    // Hydrated: the filter updated the page in place.
    expect(await isSameDocument(page)).toBe(true);
  }

  // A sub-category facet narrows further and keeps the colour.
  await page.locator('a[data-facet="cat"][data-value="candles-lighting"]').click();
  await expect(page).toHaveURL(/cat=candles-lighting/);
  await expect(page).toHaveURL(/colour=red/);
  await settled(page, info);

  // Open the first product.
  const first = page.getByTestId('results').getByTestId('product-card').first();
  const title = (await first.locator('.card-title').textContent())?.trim() ?? '';
  await first.getByRole('link').click();
  await expect(page).toHaveURL(/\/p\/[^/]+\/[^/]+/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText(title);
  await expect(page.getByTestId('price')).toContainText('£');
  await expect(page.getByTestId('breadcrumbs')).toContainText('Home décor');
  await expectAccessible(page);
});

test('product page: variants, stock, SEO tags', async ({ page }, info) => {
  const res = await open(page, info, '/p/84997/childrens-cutlery');
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('page-heading')).toHaveText('Childrens Cutlery');
  await expect(page.getByTestId('variant')).toHaveCount(4);
  await expect(page.getByTestId('sku')).toHaveText('84997A');
  await expect(page).toHaveTitle(/Childrens Cutlery/);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', /\/p\/84997\/childrens-cutlery$/);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Childrens Cutlery');
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /Childrens Cutlery/);
  const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
  expect(ld['@type']).toBe('Product');
  expect(ld.offers).toHaveLength(4);
  await expect(page.getByTestId('stock')).toHaveText(/In stock|Only \d+ left|Out of stock/);

  if (jsEnabled(info)) await markDocument(page);
  await page.locator('[data-test="variant"][data-sku="84997B"]').click();
  await expect(page).toHaveURL(/\?v=84997B$/);
  await expect(page.getByTestId('sku')).toHaveText('84997B');
  await expect(page.locator('[data-test="variant"][data-sku="84997B"]')).toHaveAttribute('aria-current', 'true');
  if (jsEnabled(info)) expect(await isSameDocument(page)).toBe(true);
  // One shelf of alike products: the recommendations' "Similar items" once trained,
  // else the catalogue's "You may also like".
  await expect(page.locator('[data-test="related"], [data-test="similar"]').getByTestId('product-card').first()).toBeVisible();
  await expectAccessible(page);
});

test('back and forward across in-place filters; the language switch keeps the page', async ({ page }, info) => {
  await open(page, info, '/c/home-decor');
  const all = (await page.getByTestId('result-count').textContent()) ?? '';
  if (jsEnabled(info)) await markDocument(page);
  const red = page.locator('a[data-facet="colour"][data-value="red"]');
  await red.click();
  await expect(page).toHaveURL(/colour=red/);
  await expect(page.getByTestId('result-count')).not.toHaveText(all);
  if (jsEnabled(info)) {
    // The control keeps focus (now "remove filter") and the new count is announced.
    await expect(red).toBeFocused();
    await expect(page.locator('#nav-status')).toHaveText(await page.getByTestId('result-count').textContent() ?? '');
  }
  await page.goBack();
  await expect(page).not.toHaveURL(/colour=red/);
  await expect(page.getByTestId('result-count')).toHaveText(all);
  await page.goForward();
  await expect(page).toHaveURL(/colour=red/);
  await expect(red).toHaveAttribute('aria-current', 'true');
  if (jsEnabled(info)) expect(await isSameDocument(page)).toBe(true);

  await page.locator('#lang-select-footer').selectOption('zh-Hant');
  await page.locator('.lang-footer button[type="submit"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hant');
  await expect(page).toHaveURL(/\/c\/home-decor\?colour=red$/);
  await expect(red).toHaveAttribute('aria-current', 'true');
});

test('pagination', async ({ page }, info) => {
  await open(page, info, '/c/home-decor');
  const pager = page.getByTestId('pager');
  await expect(pager).toContainText('Page 1 of');
  await pager.getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await settled(page, info);
  await expect(page.getByTestId('pager')).toContainText('Page 2 of');
  await expect(page.getByTestId('pager').locator('a[aria-current="page"]')).toHaveText('2');
  await expect(page.getByTestId('results').getByTestId('product-card')).toHaveCount(24);
  await page.getByTestId('pager').getByRole('link', { name: 'Previous' }).click();
  await expect(page).not.toHaveURL(/page=/);
  await expect(page.getByTestId('pager')).toContainText('Page 1 of');
});

test('sorting by price', async ({ page }, info) => {
  await open(page, info, '/c/kitchen-dining');
  await page.getByTestId('sort').selectOption('price-asc');
  await page.locator('.sort-form button[type="submit"]').click();
  await expect(page).toHaveURL(/sort=price-asc/);
  await settled(page, info);
  const prices = await page.getByTestId('results').locator('.price').allTextContents();
  const pence = prices.map((p) => Math.round(parseFloat(p.replace(/[^0-9.]/g, '')) * 100));
  expect(pence.length).toBeGreaterThan(5);
  expect([...pence].sort((a, b) => a - b)).toEqual(pence);
});

test('not found pages answer 404', async ({ page }, info) => {
  for (const path of ['/no-such-page', '/p/00000/nothing', '/c/no-such-category']) {
    const res = await open(page, info, path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByTestId('error')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  }
  await expectAccessible(page);
});

test('bad listing input gets a clear message, not an error page', async ({ page }, info) => {
  const res = await open(page, info, '/c/home-decor?page=abc');
  expect(res?.status()).toBe(400);
  await expect(page.getByTestId('error')).toContainText('A page number is a whole number from 1 to');
  await expect(page.getByTestId('error')).toHaveAttribute('data-field', 'page');
  const price = await open(page, info, '/c/home-decor?min=cheap');
  expect(price?.status()).toBe(400);
  await expect(page.getByTestId('error')).toContainText('Enter an amount such as 12.50.');
  await expect(page.getByTestId('error')).toHaveAttribute('data-field', 'min');
});

test('language switch to Traditional Chinese', async ({ page }, info) => {
  await open(page, info, '/c/home-decor');
  await page.locator('#lang-select-footer').selectOption('zh-Hant');
  await page.locator('.lang-footer button[type="submit"]').click();
  await expect(page).toHaveURL(/\/c\/home-decor$/);
  await settled(page, info);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hant');
  await expect(page.getByTestId('page-heading')).toHaveText('家居裝飾');
  await expect(page.getByTestId('result-count')).toContainText('件商品');
  await expectAccessible(page);
});

test('phone: a short header, the categories in a menu, the first product on the first screen', async ({ page }, info) => {
  test.skip(!info.project.name.startsWith('phone'), 'phones only');
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, info, '/c/home-decor');
  const header = await page.locator('header.site-header').boundingBox();
  expect(header?.height ?? 999).toBeLessThanOrEqual(120);
  // The shop's name on one line, whole.
  const brand = page.locator('.brand');
  const fits = await brand.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().height < 40);
  expect(fits).toBe(true);
  const first = await page.getByTestId('results').getByTestId('product-card').first().boundingBox();
  expect(first?.y ?? 9999).toBeLessThan(844);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The categories menu opens (a disclosure: no JavaScript needed) and leads to a category.
  await page.locator('.category-menu summary').click();
  await page.locator('.category-menu').getByRole('link', { name: 'Kitchen & dining' }).click();
  await expect(page).toHaveURL(/\/c\/kitchen-dining$/);
  await settled(page, info);
  await expectAccessible(page);
});

test('the footer leads to customer service pages; a search that finds nothing offers a way on', async ({ page }, info) => {
  await open(page, info, '/');
  await page.getByTestId('service-links').getByRole('link', { name: 'Returns' }).click();
  await expect(page).toHaveURL(/\/pages\/returns$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Returns');
  await expectAccessible(page);
  await open(page, info, '/search?q=zzzzqqq+lantern');
  await expect(page.getByTestId('no-results')).toContainText('zzzzqqq lantern');
  await expect(page.getByTestId('search-bestsellers').getByTestId('product-card')).toHaveCount(4);
  await expectAccessible(page);
  await page.getByTestId('search-instead').getByRole('link', { name: 'lantern' }).click();
  await expect(page).toHaveURL(/q=lantern$/);
  await settled(page, info);
  await expect(page.getByTestId('results').getByTestId('product-card').first()).toBeVisible();
});
