import { expect, Page, TestInfo } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settled, test } from './helpers';

// The server trains its recommendations on its first start (about 15 s on the shipped
// data): until then the placements are absent, so the first test waits for them.
async function untilTrained(page: Page, info: TestInfo, path: string, testId: string) {
  await expect(async () => {
    await open(page, info, path);
    await expect(page.getByTestId(testId)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
}

const SET_PRODUCT = '/p/85123/white-hanging-heart-t-light-holder';

test('a guest views three lanterns and then sees lanterns for them on the home page', async ({ page }, info) => {
  test.setTimeout(120_000);
  // A new guest's home page asks for no personal parts: it shows them already.
  const partsAsked: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/me/home') partsAsked.push(r.url());
  });
  await open(page, info, '/');
  // The island decides at hydration (which `open` waits for) and would start the request
  // at once; the page never goes network-idle (its beacons), so a short wait instead.
  await page.waitForTimeout(500);
  expect(partsAsked).toEqual([]);
  await untilTrained(page, info, '/', 'recs-trending');
  await open(page, info, '/search?q=lantern');
  const results = page.locator('.listing-main a.card-link');
  const hrefs: string[] = [];
  for (let i = 0; i < 3; i++) hrefs.push((await results.nth(i).getAttribute('href')) ?? '');
  for (const href of hrefs) {
    await open(page, info, href);
    await expect(page.getByTestId('page-heading')).toContainText(/lantern/i);
  }
  const home = await open(page, info, '/');
  if (jsEnabled(info)) {
    // The shared cached home page (a personal render has no `x-cache`); its script asks
    // for "For you" after it.
    expect(['hit', 'stale', 'miss']).toContain(home?.headers()['x-cache']);
    // The views were recorded by the page script: "For you", from them, says so.
    const forYou = page.getByTestId('recs-for-you');
    await expect(forYou).toBeVisible();
    expect(partsAsked.length).toBeGreaterThan(0);
    await expect(forYou.getByTestId('because')).toContainText(/Because you viewed .*Lantern/i);
    await expect(forYou.locator('.card-title').filter({ hasText: /lantern/i }).first()).toBeVisible();
  } else {
    // Without JavaScript nothing is recorded: what sells now, for everyone.
    await expect(page.getByTestId('recs-trending')).toBeVisible();
    await expect(page.getByTestId('recs-for-you')).toHaveCount(0);
  }
  await expectAccessible(page);
});

test('"Often bought together" adds its set to the cart, and the cart completes the order', async ({ page }, info) => {
  test.setTimeout(120_000);
  await untilTrained(page, info, SET_PRODUCT, 'recs-together');
  const together = page.getByTestId('recs-together');
  await expect(together.getByTestId('because')).toContainText('% of the orders with');
  const set = await together.locator('.card-title').allTextContents();
  expect(set.length).toBeGreaterThan(0);
  await expect(page.getByTestId('recs-similar')).toBeVisible();
  await expectAccessible(page);
  await together.getByTestId('add-set').click();
  await expect(page).toHaveURL(/\/cart\?added=/);
  await settled(page, info);
  const lines = page.getByTestId('cart-line');
  await expect(lines).toHaveCount(set.length + 1);
  for (const title of set) await expect(page.getByTestId('cart-lines')).toContainText(title.trim());
  await expect(page.getByTestId('recs-complete')).toBeVisible();
  await expectAccessible(page);
});
