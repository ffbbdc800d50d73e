// A phone (the "mobile" project uses Playwright's Pixel 7 profile): with m_redirect_url the page is
// sent there with the result in the query, as the real SDK does on mobile.
import { test, expect } from '@playwright/test';
import impshim from 'impshim/playwright';

test('a redirect page on a phone', async ({ page }) => {
  const imp = await impshim.install(page, { merchant: 'merchants/imp10391932.json' });
  await page.goto('/mobile.html');
  await page.click('#buy');
  expect((await imp.waitWindow()).pg).toBe('kakaopay');
  await imp.approve();
  const rsp = await imp.result();
  expect(rsp).toMatchObject({ success: true, redirect_url: expect.stringMatching(/\/complete\.html$/) });
  await page.waitForURL(/\/complete\.html\?/);
  const q = new URL(page.url()).searchParams;
  expect(q.get('imp_uid')).toBe(rsp.imp_uid);
  expect(q.get('imp_success')).toBe('true');
  await expect(page.locator('#result')).toHaveText(`Thank you: ${rsp.merchant_uid} (${rsp.imp_uid})`);
});
