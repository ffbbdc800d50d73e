// Mistakes in a test (or a page) end in a message that says what to do, never in a hang.
import { test, expect } from '@playwright/test';
import impshim, { ImpshimError } from 'impshim/playwright';

test('install called twice', async ({ page }) => {
  await impshim.install(page);
  await expect(impshim.install(page)).rejects.toThrow(/already called for this browser context/);
  await expect(impshim.install(page.context())).rejects.toThrow(ImpshimError);
});

test('two installs at once: one wins, the other says install was already called', async ({ context }) => {
  const both = await Promise.allSettled([impshim.install(context, { merchant: 'merchants/imp10391932.json' }), impshim.install(context)]);
  expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/already called/);
});

test('bad options are refused at install', async ({ page, context }) => {
  await expect(impshim.install(page, { strict: true })).rejects.toThrow(/strict needs the PG settings/);
  await expect(impshim.install(page, { outcome: { result: 'approved' as 'paid' } })).rejects.toThrow(/"paid", "failed" or "cancelled"/);
  await expect(impshim.install(page, { merchant: 'merchants/nope.json' })).rejects.toThrow(/cannot read the merchant file/);
  await expect(impshim.install(context, { server: 'localhost:8080' })).rejects.toThrow(/URL of a running impshim server/);
  await expect(impshim.install(page, { colour: 'red' } as object)).rejects.toThrow(/unknown option "colour"/);
  await impshim.install(page); // a refused install leaves the context free
});

test('a page with no SDK tag: a clear message, not a hang', async ({ page }) => {
  const imp = await impshim.install(page, { timeout: 1500 });
  await page.goto('/nosdk.html');
  await page.click('#buy');
  const started = Date.now();
  await expect(imp.waitWindow()).rejects.toThrow(/the page loaded no i'mport SDK: none of https:\/\/cdn\.iamport\.kr\/v1\/iamport\.js.*scripts on the page: http:\/\/127\.0\.0\.1:\d+\/analytics\.js/);
  expect(Date.now() - started).toBeLessThan(5000);
  await expect(imp.approve()).rejects.toThrow(/approve: no payment window is open: the page loaded no i'mport SDK/);
  await expect(imp.result()).rejects.toThrow(/no answer from IMP.request_pay within 1500 ms: the page loaded no i'mport SDK/);
});

test('the SDK tag added after load, as React and Vue components do', async ({ page }) => {
  const imp = await impshim.install(page, { merchant: 'merchants/imp10391932.json' });
  await page.goto('/late.html');
  await page.click('#buy');
  expect((await imp.waitWindow()).pg).toBe('kakaopay');
  await imp.approve();
  expect((await imp.result()).success).toBe(true);
  await expect(page.locator('#status')).toHaveText('Paid');
});

test('no window open: result says to approve the open one; setOutcome refuses while it is open', async ({ page }) => {
  const imp = await impshim.install(page, { timeout: 1000 });
  await page.goto('/checkout.html');
  await expect(imp.approve()).rejects.toThrow(/approve: no payment window is open: no payment window opened: did the page call IMP.request_pay/);
  await page.click('#buy');
  await imp.waitWindow({ timeout: 10000 });
  await expect(imp.result()).rejects.toThrow(/a payment window is open \(kakaopay \S+, iframe\): approve\(\), fail\(\) or cancel\(\) it first/);
  await expect(imp.setOutcome({ result: 'paid' })).rejects.toThrow(/window is already open/);
  await imp.cancel({ timeout: 10000 });
});

test('window busy: a second request_pay while the window is open gets WINDOW_BUSY', async ({ page }) => {
  const imp = await impshim.install(page);
  await page.goto('/checkout.html');
  await page.click('#buy');
  await imp.waitWindow();
  await page.evaluate(() => { window.IMP.request_pay({ pg: 'kakaopay', amount: 1000 }); });
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'WINDOW_BUSY' });
  await imp.approve(); // the first window goes on
  expect((await imp.result()).success).toBe(true);
});

test('the SDK failed to load: the message says why and what to change', async ({ page }) => {
  const imp = await impshim.install(page);
  await page.goto('/csp.html');
  await page.click('#buy');
  await expect(imp.waitWindow()).rejects.toThrow(/the SDK failed to load: .*'wasm-unsafe-eval'/);
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'SDK_LOAD_FAILED' });
});

test('install after the page loaded: the message says to install first', async ({ page }) => {
  await page.goto('/checkout.html'); // the real CDN URL, not routed yet: no network here
  const imp = await impshim.install(page, { timeout: 1000 });
  await expect(imp.waitWindow()).rejects.toThrow(/has the SDK tag \(https:\/\/cdn\.iamport\.kr\/v1\/iamport\.js\) but loaded it before impshim\.install routed it: call install before page\.goto/);
  await page.reload();
  await page.click('#buy');
  await imp.cancel({ timeout: 10000 }); // a reload: the SDK loads again, which a busy machine may take longer than 1 s for
  expect((await imp.result({ timeout: 10000 })).error_code).toBe('USER_CANCEL');
});
