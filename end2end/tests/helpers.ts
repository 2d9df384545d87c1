import { expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const jsEnabled = (info: TestInfo) => info.project.use.javaScriptEnabled !== false;

/** Opens a page; when JavaScript is on, waits until the WASM has hydrated it. */
export async function open(page: Page, info: TestInfo, path: string) {
  const response = await page.goto(path);
  await settled(page, info);
  return response;
}

/** After a navigation: waits for hydration (JavaScript on) or the load (off). */
export async function settled(page: Page, info: TestInfo) {
  if (jsEnabled(info)) {
    await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  } else {
    await page.waitForLoadState('load');
  }
}

/** axe-core (WCAG 2.x A and AA rules and best practices): zero violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`,
  );
  expect(summary).toEqual([]);
}

/** Marks the current document, to tell later whether a full reload happened. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function isSameDocument(page: Page) {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}
