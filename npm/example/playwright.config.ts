// The example suite: a merchant's Playwright tests of its unchanged checkout pages (site/),
// against the system Chromium (no browser download).
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.PORT || 4173);
const launchOptions = {
  executablePath: process.env.IMPSHIM_BROWSER || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export default defineConfig({
  testDir: 'tests',
  timeout: 30_000,
  workers: 2,
  forbidOnly: true,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, launchOptions },
  webServer: { command: 'node serve.mjs', url: `http://127.0.0.1:${port}/checkout.html`, env: { PORT: String(port) }, reuseExistingServer: false },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions }, testIgnore: /mobile/ },
    { name: 'mobile', use: { ...devices['Pixel 7'], launchOptions }, testMatch: /mobile/ },
  ],
});
