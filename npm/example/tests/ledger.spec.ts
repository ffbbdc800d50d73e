// With `server`, the page pays into a running impshim server's ledger, and the merchant's back end
// verifies the payment over the V1 REST API, as it would with i'mport. make test passes the server
// binary it built as IMPSHIM_SERVER_BIN.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dir } from 'impshim';
import impshim from 'impshim/playwright';

let server: ChildProcess | undefined;
let api = '';

test.beforeAll(async () => {
  const bin = process.env.IMPSHIM_SERVER_BIN;
  if (!bin) throw new Error('set IMPSHIM_SERVER_BIN to an impshim server binary (make npm-test builds bin/impshim)');
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-dist', dir, '-db', ':memory:'], { stdio: ['ignore', 'pipe', 'inherit'] });
  server = proc;
  api = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the impshim server printed no URL within 10 s')), 10_000);
    proc.on('exit', (code) => reject(new Error(`the impshim server exited (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /open (http:\/\/\S+?)\/?\s/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
});

test.afterAll(() => { server?.kill('SIGTERM'); });

test('the back end finds the payment over REST at callback time', async ({ page, request }) => {
  const imp = await impshim.install(page, { server: api });
  await page.goto('/checkout.html');
  await page.click('#buy');
  await imp.approve();
  const rsp = await imp.result();
  expect(rsp.success).toBe(true);

  const token = await (await request.post(`${api}/users/getToken`, { data: { imp_key: 'imp_apikey', imp_secret: 'sandbox_secret' } })).json();
  expect(token.code).toBe(0);
  const payment = async () => (await request.get(`${api}/payments/${rsp.imp_uid}`, { headers: { Authorization: token.response.access_token } })).json();
  // The SDK records the outcome in the ledger before it calls the callback (CONTRACTS C2.3), so
  // a back end that verifies at callback time finds the payment.
  expect(await payment()).toMatchObject({
    code: 0, response: { imp_uid: rsp.imp_uid, merchant_uid: rsp.merchant_uid, status: 'paid', amount: 12000, pg_provider: 'kakaopay' },
  });
  expect(imp.requests.some((r) => r.kind === 'sandbox' && r.status === 200)).toBe(true);
});

test('strict with a server: the server\'s merchant file, made strict', async ({ page }) => {
  const imp = await impshim.install(page, { server: api, strict: true });
  await page.goto('/typo.html');
  await page.click('#buy');
  expect(await imp.result()).toMatchObject({ success: false, error_code: 'SANDBOX_STRICT' });
});
