// The checkout page ships the real i'mport SDK tag (https://cdn.iamport.kr/v1/iamport.js) and is
// not changed for the test: impshim/playwright routes that URL to impshim.
import { test, expect } from '@playwright/test';
import impshim from 'impshim/playwright';

const merchant = 'merchants/imp10391932.json';

test('approve: the callback gets a paid response from the PG the page asked for', async ({ page }) => {
  const imp = await impshim.install(page, { merchant });
  await page.goto('/checkout.html');
  await page.click('#buy');
  const win = await imp.waitWindow();
  expect(win).toMatchObject({ mode: 'iframe', pg: 'kakaopay', mid: 'MID-c', amount: 12000, amountText: '₩12,000' });
  await imp.approve();
  const rsp = await imp.result();
  expect(rsp).toMatchObject({ success: true, status: 'paid', pg_provider: 'kakaopay', paid_amount: 12000, buyer_name: 'Kim' });
  expect(rsp.imp_uid).toMatch(/^imps?_\d{12}$/);
  await expect(page.locator('#status')).toHaveText(`Paid: ${rsp.imp_uid} (kakaopay)`);
  const trace = await imp.lastTrace();
  expect(trace).toMatchObject({ rule: 'R2', setting: { index: 2, mid: 'MID-c' } });
});

test('fail: PG_FAILED reaches the callback', async ({ page }) => {
  const imp = await impshim.install(page, { merchant });
  await page.goto('/checkout.html');
  await page.click('#buy-card');
  expect((await imp.waitWindow()).mid).toBe('MID-a');
  await imp.fail();
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'PG_FAILED', pg_provider: 'html5_inicis' });
  await expect(page.locator('#status')).toHaveText(/^Failed: /);
});

test('cancel: USER_CANCEL reaches the callback', async ({ page }) => {
  const imp = await impshim.install(page, { merchant });
  await page.goto('/checkout.html');
  await page.click('#buy');
  await imp.cancel();
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'USER_CANCEL' });
});

test('outcome: every window completes by itself; setOutcome changes the next one', async ({ page }) => {
  const imp = await impshim.install(page, { merchant, outcome: { result: 'paid', delay_ms: 0 } });
  await page.goto('/checkout.html');
  await page.click('#buy');
  expect((await imp.result()).success).toBe(true);
  await imp.setOutcome({ result: 'failed', error_code: 'F400', error_msg: '한도초과' });
  await page.click('#buy');
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'F400', error_msg: '한도초과' });
  await page.click('#buy'); // install's outcome is armed again
  expect((await imp.result()).success).toBe(true);
});

test('without a merchant the page gets the built-in sandbox merchant', async ({ page }) => {
  const imp = await impshim.install(page);
  await page.goto('/checkout.html');
  await page.click('#buy');
  expect((await imp.waitWindow()).pg).toBe('kakaopay');
  await imp.approve();
  expect((await imp.result()).success).toBe(true);
});

test('a popup page: the window is found in the popup', async ({ page }) => {
  const imp = await impshim.install(page, { merchant });
  await page.goto('/popup.html');
  await page.click('#buy');
  const win = await imp.waitWindow();
  expect(win).toMatchObject({ mode: 'popup', pg: 'html5_inicis', mid: 'MID-a', amount: 30000 });
  expect(win.page).not.toBe(page);
  await imp.approve();
  expect(await imp.result()).toMatchObject({ success: true, pg_provider: 'html5_inicis' });
  await expect(page.locator('#status')).toHaveText('Paid');
  await expect.poll(() => win.page.isClosed()).toBe(true);
});

test('strict mode: a pg typo is SANDBOX_STRICT instead of a silent fallback', async ({ page }) => {
  const imp = await impshim.install(page, { merchant, strict: true });
  await page.goto('/typo.html');
  await page.click('#buy');
  const rsp = await imp.result();
  expect(rsp).toMatchObject({ success: false, error_code: 'SANDBOX_STRICT', imp_uid: null });
  const trace = await imp.lastTrace();
  expect(trace?.rule).toBe('R3');
  expect(trace?.warnings.map((w) => w.code)).toContain('PG_UNKNOWN_CODE');
  // waitWindow says why no window came instead of timing out.
  await page.click('#buy');
  await expect(imp.waitWindow()).rejects.toThrow(/answered without opening a window: SANDBOX_STRICT/);
});

test('without strict the same typo falls back to the default PG, as the real service does', async ({ page }) => {
  const imp = await impshim.install(page, { merchant });
  await page.goto('/typo.html');
  await page.click('#buy');
  expect((await imp.waitWindow()).mid).toBe('MID-a');
  const trace = await imp.lastTrace();
  expect(trace).toMatchObject({ rule: 'R3', fallback: true });
  // What the real service hides, the SDK says on the console: the helper keeps those lines.
  await expect.poll(() => imp.console.join('\n')).toMatch(/PG_UNKNOWN_CODE: .*html5_inicis/);
  await imp.approve();
  expect((await imp.result()).pg_provider).toBe('html5_inicis');
});

test('install on the context: every page of it is routed; the handle follows the page that loaded the SDK', async ({ context }) => {
  const imp = await impshim.install(context, { merchant });
  const first = await context.newPage();
  await first.goto('/checkout.html');
  await first.click('#buy');
  expect((await imp.waitWindow()).page).toBe(first);
  await imp.cancel();
  const second = await context.newPage();
  await second.goto('/checkout.html');
  await second.click('#buy-card');
  expect((await imp.waitWindow({ page: second })).mid).toBe('MID-a');
  await imp.approve({ page: second });
  expect((await imp.result()).error_code).toBe('USER_CANCEL'); // answers come in order
  expect(await imp.result()).toMatchObject({ success: true, pg_provider: 'html5_inicis' });
  expect(imp.responses.map((r) => r.page)).toEqual([first, second]);
});
