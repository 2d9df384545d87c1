import { expect, Page, TestInfo } from '@playwright/test';
import { expectAccessible, freshEmail, jsEnabled, open, register, settled, test } from './helpers';

const PRODUCT = '/p/85123/white-hanging-heart-t-light-holder';

async function addFromProductPage(page: Page, info: TestInfo, quantity: string) {
  await open(page, info, PRODUCT);
  await page.getByLabel('Quantity', { exact: true }).fill(quantity);
  await page.getByTestId('add-to-cart').click();
  await expect(page).toHaveURL(/\/cart\?added=/);
  await settled(page, info);
}

/** The header's count: filled by the page's script from the count cookie; absent without it. */
async function expectHeaderCount(page: Page, info: TestInfo, n: string) {
  const count = page.getByTestId('header-cart-count');
  if (jsEnabled(info) && n !== '') await expect(count).toHaveText(n);
  else await expect(count).toBeHidden();
}

test('a guest adds from the product page, changes the quantity and removes the line', async ({ page }, info) => {
  await addFromProductPage(page, info, '2');
  await expect(page.getByTestId('cart-added')).toContainText('Added to your cart');
  const line = page.getByTestId('cart-line');
  await expect(line).toHaveCount(1);
  await expect(line.getByTestId('cart-quantity')).toHaveValue('2');
  await expect(page.getByTestId('cart-subtotal')).toHaveText(/^£\d+\.\d\d$/);
  await expectHeaderCount(page, info, '2');
  await expectAccessible(page);

  // A catalogue page keeps the count (the shared cached page, filled in by the script).
  await open(page, info, '/c/home-decor');
  await expectHeaderCount(page, info, '2');

  await open(page, info, '/cart');
  await page.getByTestId('cart-quantity').fill('3');
  await page.getByTestId('cart-update').click();
  await expect(page).toHaveURL(/\/cart$/);
  await settled(page, info);
  await expect(page.getByTestId('cart-quantity')).toHaveValue('3');
  await expectHeaderCount(page, info, '3');

  // Too many: the browser's own check of the number field (no script needed) keeps it.
  await page.getByTestId('cart-quantity').fill('1000');
  await page.getByTestId('cart-update').click();
  expect(await page.getByTestId('cart-quantity').evaluate((e) => (e as HTMLInputElement).validity.valid)).toBe(false);

  await open(page, info, '/cart');
  await page.getByTestId('cart-remove').click();
  await expect(page).toHaveURL(/\/cart$/);
  await settled(page, info);
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await expectHeaderCount(page, info, '');
  await expectAccessible(page);
});

test('a card adds a one-variant product; the cart moves into the account at registration', async ({ page }, info) => {
  await open(page, info, '/search?q=heart');
  const button = page.getByTestId('card-add').first();
  const sku = await button.getAttribute('data-sku');
  await button.click();
  await expect(page).toHaveURL(new RegExp(`/cart\\?added=${sku}$`));
  await settled(page, info);
  await expect(page.locator(`[data-test="cart-line"][data-sku="${sku}"]`)).toHaveCount(1);

  await register(page, info, 'Cart Tester', freshEmail(info, 'cart'));
  await open(page, info, '/cart');
  await expect(page.locator(`[data-test="cart-line"][data-sku="${sku}"]`)).toHaveCount(1);
  await expectHeaderCount(page, info, '1');
  await expectAccessible(page);
});
