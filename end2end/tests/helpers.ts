import { expect, Page, test as base, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/**
 * Every test of every spec: no page may report a Content-Security-Policy violation (the
 * browser logs each refused script, style, frame or connection to the console), and the
 * policy must be there to be violated.
 */
export const test = base.extend<{ cspWatch: void }>({
  cspWatch: [
    async ({ page }, use) => {
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) refused.push(`${page.url()}: ${m.text()}`);
      });
      let policed = 0;
      page.on('response', (r) => {
        if (r.request().resourceType() === 'document' && r.headers()['content-security-policy']) policed++;
      });
      await use();
      expect(refused, 'Content-Security-Policy violations').toEqual([]);
      if (page.url().startsWith('http')) expect(policed, 'pages with a policy').toBeGreaterThan(0);
    },
    { auto: true },
  ],
});

export const jsEnabled = (info: TestInfo) => info.project.use.javaScriptEnabled !== false;

/**
 * Opens a page; when JavaScript is on, waits until the WASM has hydrated it.
 *
 * A page that has not hydrated after 20 s is opened once more, and the stall is reported
 * as a `hydration-stall` annotation with what the browser said (console errors, failed
 * requests): two CI runs in some sixty each saw one page never hydrate on a loaded
 * machine, with nothing to tell why. A page that never hydrates still fails the test.
 */
export async function open(page: Page, info: TestInfo, path: string) {
  const response = await page.goto(path);
  if (!jsEnabled(info)) {
    await settled(page, info);
    return response;
  }
  const heard: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error' || m.type() === 'warning') heard.push(`console ${m.type()}: ${m.text()}`);
  };
  const onFailed = (r: { url(): string; failure(): { errorText: string } | null }) =>
    heard.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  page.on('console', onConsole);
  page.on('requestfailed', onFailed);
  try {
    await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 20_000 });
    return response;
  } catch {
    info.annotations.push({ type: 'hydration-stall', description: `${path}: ${heard.join(' | ') || 'no errors'}` });
    console.warn(`hydration stall on ${path}: ${heard.join(' | ') || 'no errors'}`);
    const again = await page.goto(path);
    await settled(page, info);
    return again;
  } finally {
    page.off('console', onConsole);
    page.off('requestfailed', onFailed);
  }
}

/** After a navigation: waits for hydration (JavaScript on) or the load (off). */
export async function settled(page: Page, info: TestInfo) {
  if (jsEnabled(info)) {
    await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  } else {
    await page.waitForLoadState('load');
  }
}

/**
 * axe-core (WCAG 2.x A and AA rules and best practices): zero violations.
 *
 * axe runs as a script inside the page, which a context with JavaScript disabled cannot
 * do. So for the no-JavaScript projects the same URL, with the same cookies, is opened in
 * a JavaScript-enabled context whose requests for our own scripts and WASM are aborted:
 * the page never hydrates, and axe checks exactly the server-rendered document a shopper
 * without JavaScript gets.
 */
export async function expectAccessible(page: Page) {
  if (jsEnabled(test.info())) {
    expect(await violations(page)).toEqual([]);
    return;
  }
  const browser = page.context().browser();
  if (!browser) throw new Error('expectAccessible: no browser behind this page');
  const viewport = page.viewportSize();
  const context = await browser.newContext({ javaScriptEnabled: true, ...(viewport ? { viewport } : {}) });
  try {
    await context.addCookies(await page.context().cookies());
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const twin = await context.newPage();
    await twin.goto(page.url());
    expect(await twin.locator('body[data-hydrated="true"]').count()).toBe(0);
    expect(await violations(twin)).toEqual([]);
  } finally {
    await context.close();
  }
}

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`,
  );
}

/** Marks the current document, to tell later whether a full reload happened. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function isSameDocument(page: Page) {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

/**
 * The body of the newest email the SMTP sink (started by `cargo xtask test`, Maildir in
 * MAIL_DIR) received for `to`, decoded as a mail program would; waits up to 15 s.
 */
export async function emailTo(to: string): Promise<string> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = process.env.MAIL_DIR;
  if (!dir) throw new Error('MAIL_DIR is not set: run through `cargo xtask test`');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const folder = path.join(dir, 'new');
    const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    for (const file of files) {
      const raw = fs.readFileSync(path.join(folder, file), 'utf8');
      if (raw.includes(to)) return decodeBody(raw);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to} within 15 s`);
}

function decodeBody(raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const headers = text.slice(0, split).toLowerCase();
  const body = text.slice(split + 2);
  if (headers.includes('content-transfer-encoding: base64')) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (headers.includes('content-transfer-encoding: quoted-printable')) {
    const joined = body.replace(/=\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < joined.length; i++) {
      const hex = joined.slice(i + 1, i + 3);
      if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(joined[i], 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** The password the browser tests register with (strong enough for the shop's check). */
export const PASSWORD = 'lantern moss kettle 42';

/** An email no other test (or earlier run against the same database) has used. */
export const freshEmail = (info: TestInfo, what: string) =>
  `${what}-${info.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** Creates an account through the registration form and waits for the member center. */
export async function register(page: Page, info: TestInfo, name: string, email: string) {
  await open(page, info, '/account/register');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await settled(page, info);
}
