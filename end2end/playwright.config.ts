import { defineConfig } from '@playwright/test';

// The server is started by `cargo xtask test`, which passes its address in BASE_URL.
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

// Debian's Chromium; Playwright never downloads a browser here.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
};

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1280, height: 800 } };

export default defineConfig({
  testDir: './tests',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  // Components mark what tests look for with data-test="...".
  use: { baseURL, launchOptions, testIdAttribute: 'data-test', trace: 'off', screenshot: 'off' },
  // Every flow runs four times: phone and desktop, hydrated and without JavaScript.
  projects: [
    { name: 'desktop-js', use: { ...desktop, javaScriptEnabled: true } },
    { name: 'desktop-nojs', use: { ...desktop, javaScriptEnabled: false } },
    { name: 'phone-js', use: { ...phone, javaScriptEnabled: true } },
    { name: 'phone-nojs', use: { ...phone, javaScriptEnabled: false } },
  ],
});
