import { expect } from '@playwright/test';
import { expectAccessible, open, settled, test } from './helpers';

// `cargo xtask test` creates this Admin with the server's own command before the run.
const email = process.env.STAFF_EMAIL ?? '';
const password = process.env.STAFF_PASSWORD ?? '';

test('admin tables: on a phone they scroll inside their region with the first column fixed; the page itself never scrolls sideways', async ({ page }, info) => {
  test.skip(!email || !password, 'needs the staff account `cargo xtask test` creates');
  await open(page, info, '/account/sign-in?next=%2Fadmin%2Faudit');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await settled(page, info);
  await expect(page.getByTestId('page-heading')).toHaveText('Audit log');

  for (const path of ['/admin/audit', '/admin/customers', '/admin/products', '/admin/staff']) {
    if (!page.url().endsWith(path)) await open(page, info, path);
    const region = page.locator('.table-scroll').first();
    await expect(region, path).toBeVisible();
    const layout = await page.evaluate(() => {
      const region = document.querySelector('.table-scroll') as HTMLElement;
      const first = region.querySelector('tbody td, thead th') as HTMLElement;
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        regionScrolls: region.scrollWidth > region.clientWidth,
        firstColumn: getComputedStyle(first).position,
      };
    });
    expect(layout.pageWidth, `${path}: the page is no wider than the screen`).toBeLessThanOrEqual(layout.viewport);
    expect(layout.firstColumn, path).toBe('sticky');
    if (info.project.name.startsWith('phone')) {
      expect(layout.regionScrolls, `${path}: the table scrolls inside its region`).toBe(true);
      // Scrolled sideways, the first column stays at the region's left edge.
      const [before, after] = await page.evaluate(() => {
        const region = document.querySelector('.table-scroll') as HTMLElement;
        const first = region.querySelector('thead th') as HTMLElement;
        const second = region.querySelector('thead th:nth-child(2)') as HTMLElement;
        const x = () => [first.getBoundingClientRect().left - region.getBoundingClientRect().left, second.getBoundingClientRect().left];
        const a = x();
        region.scrollLeft = 120;
        return [a, x()];
      });
      expect(after[0], `${path}: the first column stays`).toBeCloseTo(before[0], 0);
      expect(after[1], `${path}: the other columns move`).toBeLessThan(before[1]);
    }
  }
  await expectAccessible(page);
});
