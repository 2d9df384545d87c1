import { expect, Page, TestInfo } from '@playwright/test';
import { test, emailTo, expectAccessible, freshEmail, jsEnabled, open, PASSWORD, register, settled } from './helpers';



const registerAs = (page: Page, info: TestInfo, email: string) => register(page, info, 'Ann Example', email);

test('register -> sign out -> sign in', async ({ page }, info) => {
  const email = freshEmail(info, 'flow');
  await open(page, info, '/account/register');
  await expect(page.getByTestId('page-heading')).toHaveText('Create an account');
  await expectAccessible(page);
  await registerAs(page, info, email);
  await expect(page.getByTestId('page-heading')).toHaveText('Hello, Ann Example');
  await expect(page.getByTestId('account-link')).toHaveText('My account');
  await expectAccessible(page);

  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/$/);
  await settled(page, info);
  await expect(page.getByTestId('account-link')).toHaveText('Sign in');

  await page.getByTestId('account-link').click();
  await expect(page).toHaveURL(/\/account\/sign-in$/);
  await settled(page, info);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('page-heading')).toHaveText('Hello, Ann Example');

  // Edit the profile.
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page).toHaveURL(/\/account\/profile$/);
  await settled(page, info);
  await page.getByLabel('Name', { exact: true }).fill('Ann Edited');
  await page.getByLabel('Birthday (optional)').fill('1990-05-17');
  await page.getByLabel('Send me offers and news by email').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/account\/profile\?saved=1$/);
  await expect(page.getByTestId('done')).toHaveText('Saved.');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Ann Edited');
  await expect(page.getByLabel('Send me offers and news by email')).toBeChecked();
  await expectAccessible(page);
  // Add an address.
  await open(page, info, '/account/addresses');
  await expect(page.getByTestId('no-addresses')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Ann Edited');
  await page.getByLabel('Address', { exact: true }).fill('1 High Street');
  await page.getByLabel('Town or city').fill('London');
  await page.getByLabel('Postcode').fill('sw1a1aa');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByRole('button', { name: 'Add an address' }).click();
  await expect(page).toHaveURL(/\/account\/addresses\?saved=1$/);
  await expect(page.getByTestId('address')).toHaveCount(1);
  await expect(page.getByTestId('address')).toContainText('SW1A 1AA');
  await expectAccessible(page);
  // Save a product from a listing, then find it on the wishlist.
  await open(page, info, '/c/home-decor');
  const card = page.getByTestId('results').getByTestId('product-card').first();
  const title = ((await card.locator('.card-title').textContent()) ?? '').trim();
  await card.getByTestId('save').click();
  await expect(page).toHaveURL(/\/c\/home-decor#results-/);
  await settled(page, info);
  await expect(page.getByTestId('results').getByTestId('product-card').first().getByTestId('save')).toHaveAttribute('aria-pressed', 'true');
  await open(page, info, '/wishlist');
  await expect(page.getByTestId('wishlist').locator('.card-title')).toHaveText([title]);
  await expectAccessible(page);
  await open(page, info, '/account/security');
  await expect(page.getByTestId('sessions')).toContainText('this device');
  await expectAccessible(page);
});

test('a member with scripts asks for their parts once while browsing shared pages, and again after a save', async ({ page }, info) => {
  test.skip(!jsEnabled(info), "without scripts a member's pages are rendered for them, parts and all");
  await registerAs(page, info, freshEmail(info, 'parts'));
  const asked: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/me/parts') asked.push(page.url());
  });
  await open(page, info, '/p/85123/white-hanging-heart-t-light-holder');
  await expect(page.getByTestId('account-link')).toHaveText('My account');
  await expect(page.getByTestId('buy-now')).toBeVisible();
  expect(asked).toHaveLength(1);
  // Two more full page loads of shared pages: the parts kept in the tab fill them.
  await open(page, info, '/p/84997/childrens-cutlery');
  await expect(page.getByTestId('account-link')).toHaveText('My account');
  await open(page, info, '/c/home-decor');
  await expect(page.getByTestId('account-link')).toHaveText('My account');
  expect(asked).toHaveLength(1);
  // A save is a POST form: it drops the kept parts, so the page it comes back to asks
  // again and shows the product saved.
  const card = page.getByTestId('results').getByTestId('product-card').first();
  await card.getByTestId('save').click();
  await expect(page).toHaveURL(/\/c\/home-decor#results-/);
  await settled(page, info);
  await expect(page.getByTestId('results').getByTestId('product-card').first().getByTestId('save')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('header-wishlist-count')).toHaveText('1');
  expect(asked).toHaveLength(2);
  await expectAccessible(page);
});

test('a weak password is refused with the field and the reason', async ({ page }, info) => {
  await open(page, info, '/account/register');
  await page.getByLabel('Name', { exact: true }).fill('Bo');
  await page.getByLabel('Email', { exact: true }).fill(freshEmail(info, 'weak'));
  await page.getByLabel('Password', { exact: true }).fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account\/register$/);
  await settled(page, info);
  await expect(page.getByTestId('field-error')).toContainText('too easy to guess');
  await expect(page.getByTestId('form-error')).toHaveCount(0);
  await expect(page.locator('#f-password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Bo');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expectAccessible(page);
});

test('a shopper cannot use the admin, by page or by server function', async ({ page }, info) => {
  await open(page, info, '/admin');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=%2Fadmin$/);

  await registerAs(page, info, freshEmail(info, 'shopper'));
  const res = await page.goto('/admin');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('error')).toBeVisible();
  await expectAccessible(page);

  // Straight at the server function, with the shopper's cookie and this site's origin.
  const direct = await page.request.post('/api/admin/staff/role', {
    form: { email: 'someone@example.com', role: 'admin' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(direct.status()).toBe(403);
});

test('sign-in is throttled after repeated failures', async ({ page }, info) => {
  const email = freshEmail(info, 'throttle');
  await registerAs(page, info, email);
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/$/);
  for (let i = 0; i < 6; i++) {
    await open(page, info, '/account/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(i < 5 ? 'not my password' : PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/account\/sign-in/);
    await settled(page, info);
  }
  await expect(page.getByTestId('form-error')).toHaveText('Too many failed sign-ins. Try again in 15 minutes.');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
});

test('forgotten password: a link by email, used once', async ({ page }, info) => {
  const email = freshEmail(info, 'forgot');
  await registerAs(page, info, email);
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/$/);
  await open(page, info, '/account/sign-in');
  await page.getByTestId('forgot-link').click();
  await expect(page).toHaveURL(/\/account\/forgot$/);
  await settled(page, info);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page).toHaveURL(/\/account\/forgot\?sent=1$/);
  await expect(page.getByTestId('done')).toContainText('If an account exists');
  await expectAccessible(page);

  const body = await emailTo(email);
  expect(body).toContain('Hello Ann Example');
  const link = body.match(/https?:\/\/\S+\/account\/reset\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBeTruthy();
  await open(page, info, link ?? '/');
  await expectAccessible(page);
  await page.getByLabel('New password', { exact: true }).fill('fresh lantern tide 9');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page).toHaveURL(/\/account\?reset=1$/);
  await expect(page.getByTestId('done')).toContainText('Your password has been reset');

  // The link works once.
  await open(page, info, link ?? '/');
  await expect(page.getByTestId('form-error')).toContainText('expired or was already used');
});

test('recently viewed: a guest\'s views show on the home page and move to the account', async ({ page }, info) => {
  test.skip(!jsEnabled(info), 'views are recorded by the page script (a GET never writes): without JavaScript nothing is recorded');
  /** Opens a product from a home-page grid and waits until the view is recorded. */
  async function view(grid: string): Promise<string> {
    await open(page, info, '/');
    const link = page.getByTestId(grid).getByTestId('product-card').first().locator('a.card-link');
    const href = (await link.getAttribute('href')) ?? '';
    const recorded = page.waitForResponse((r) => r.url().endsWith('/api/recent/seen') && r.status() === 200);
    await open(page, info, href);
    await recorded;
    return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
  }
  const first = await view('bestsellers');
  const second = await view('new-arrivals');
  expect(second).not.toEqual(first);

  await open(page, info, '/');
  const recent = page.getByTestId('recently-viewed');
  await expect(recent.locator('.card-title')).toHaveText([second, first]);
  await expectAccessible(page);

  // Registering signs in: the views move to the account.
  await registerAs(page, info, freshEmail(info, 'recent'));
  await expect(page.getByTestId('recently-viewed').locator('.card-title')).toHaveText([second, first]);
  await expectAccessible(page);
  await page.getByTestId('clear-recent').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('recently-viewed-empty')).toBeVisible();
  await open(page, info, '/');
  await expect(page.getByTestId('recently-viewed')).toHaveCount(0);
});
