// Single sign-on against a real OpenID Connect provider (the oidc-provider package, started on
// 127.0.0.1 by this test): an admin sets it up for an organisation, people in its domain sign on
// with and without JavaScript, and every refusal is shown beside the field and logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, axe, signIn } from './helpers.mjs';
import { startProvider } from '../oidc/provider.mjs';

const CLIENT = { id: 'swforce-test', secret: 'se:cret&more+1%2F' };
const ACCOUNTS = {
  'sam@sso.test': { email: 'sam@sso.test', email_verified: true, name: 'Sam Sunder' },
  'una@sso.test': { email: 'una@sso.test', email_verified: false, name: 'Una Verified' },
  'eve@elsewhere.test': { email: 'eve@elsewhere.test', email_verified: true, name: 'Eve Else' },
};

let server;
let provider;
let browser;
let orgUrl;

before(async () => {
  server = await startServer();
  provider = await startProvider({
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    redirectUri: server.url + '/sign-in/sso/callback',
    accounts: ACCOUNTS,
  });
  browser = await launchBrowser();
  // The site admin adds an organisation and sets up its single sign-on.
  const admin = await browser.newPage();
  await signIn(admin, server.url);
  await admin.goto(server.url + '/admin');
  await admin.getByLabel('Name', { exact: true }).fill('Sunder Council');
  await admin.getByLabel('Local authority', { exact: true }).check();
  await admin.getByLabel(/^Local authority \(local authorities/).fill('Kent');
  await admin.getByRole('button', { name: 'Add organisation' }).click();
  orgUrl = admin.url().split('?')[0];
  assert.match(await admin.locator('main').innerText(), new RegExp(`${server.url}/sign-in/sso/callback`), 'the redirect address to register is shown');
  await admin.getByLabel('Email domain', { exact: true }).fill('sso.test');
  await admin.getByLabel('Issuer').fill(provider.issuer);
  await admin.getByLabel('Client ID').fill(CLIENT.id);
  await admin.getByLabel('Client secret').fill(CLIENT.secret);
  await admin.getByRole('button', { name: 'Save single sign-on' }).click();
  assert.doesNotMatch(await admin.locator('main').innerText(), /There is a problem/);
  // The domain sends nobody to the provider until mail at it confirms it is the organisation's.
  assert.match(await admin.locator('main').innerText(), /Not verified/);
  await admin.getByLabel('An address at the domain').fill('it@sso.test');
  await admin.getByRole('button', { name: 'Send a verification link' }).click();
  assert.match(await admin.locator('main').innerText(), /Verification link sent/);
  const outbox = join(server.dataDir, 'outbox');
  const letter = readdirSync(outbox).map((f) => readFileSync(join(outbox, f), 'utf8')).find((m) => m.includes('Confirm that sso.test belongs to'));
  assert.ok(letter, 'the verification email is in the outbox');
  const line = letter.split('\n').find((l) => l.includes('/domains/verify/')).trim();
  await admin.goto(line.slice(line.indexOf('http')));
  assert.match(await admin.locator('h1').innerText(), /sso.test is verified/);
  await admin.goto(orgUrl);
  assert.match(await admin.locator('main').innerText(), /Verified/);
  await admin.close();
});

after(async () => {
  await browser?.close();
  await provider?.stop();
  await server?.stop();
});

/** From swforce's sign-in page to the provider's, with a work email address. */
async function continueToProvider(page, email) {
  await page.goto(server.url + '/sign-in?next=%2Faccount');
  await page.getByLabel('Work email address').fill(email);
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(provider.issuer + '/interaction/')),
    page.getByRole('button', { name: 'Continue to your organisation' }).click(),
  ]);
  assert.equal(await page.getByLabel('Login').inputValue(), email, 'the address is passed on as a hint');
}

/** Signs in at the provider as `login` and waits to be back at swforce. */
async function signOnAs(page, login) {
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill('anything');
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(server.url + '/')),
    page.getByRole('button', { name: 'Sign-in' }).click(),
  ]);
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  test(`someone in the organisation's domain signs on and gets a social worker's account (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await continueToProvider(page, 'sam@sso.test');
    await signOnAs(page, 'sam@sso.test');
    assert.equal(new URL(page.url()).pathname, '/account', 'back where they were going');
    assert.match(await page.locator('header').innerText(), /Sam Sunder, Sunder Council/);
    assert.match(await page.locator('main').innerText(), /Social worker/);
    const cookies = await context.cookies(server.url);
    const session = cookies.find((c) => c.name === 'swforce_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Lax', 'an HttpOnly, SameSite session cookie');
    assert.equal(cookies.find((c) => c.name === 'swforce_sso'), undefined, 'the sign-on cookie is spent');
    await context.close();
  });
}

test('the callback cannot be replayed, nor finished in another browser', async () => {
  const first = await browser.newContext();
  const page = await first.newPage();
  await continueToProvider(page, 'sam@sso.test');
  // Sign in at the provider without a browser (sharing the browser's cookies), stopping at the
  // address it sends the browser back to, and take that address to another browser.
  const form = new URL(page.url());
  let next = await first.request.post(`${form.origin}${form.pathname}/login`, {
    form: { login: 'sam@sso.test', password: 'anything' },
    maxRedirects: 0,
  });
  let callback;
  for (let i = 0; i < 5 && !callback; i++) {
    const location = new URL(next.headers().location, provider.issuer).href;
    if (location.startsWith(server.url)) callback = location;
    else next = await first.request.get(location, { maxRedirects: 0 });
  }
  assert.ok(callback, 'the provider sent the browser back');
  const other = await browser.newContext();
  const thief = await other.newPage();
  const r = await thief.goto(callback);
  assert.equal(r.status(), 422);
  assert.match(await thief.locator('.sw-error-summary').innerText(), /started in another browser/);
  assert.equal((await other.cookies(server.url)).find((c) => c.name === 'swforce_session'), undefined);
  // The attempt is used up: the right browser cannot use it either now.
  const again = await page.goto(callback);
  assert.equal(again.status(), 422);
  assert.match(await page.locator('.sw-error-summary').innerText(), /expired or has been used/);
  await first.close();
  await other.close();
});

test('an unverified email, an address outside the domain and a cancelled sign-on are refused and logged', async () => {
  const cases = [
    ['una@sso.test', 'una@sso.test', /has not verified una@sso.test/],
    ['sam@sso.test', 'eve@elsewhere.test', /eve@elsewhere.test is not an address of Sunder Council/],
  ];
  for (const [typed, login, message] of cases) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await continueToProvider(page, typed);
    await signOnAs(page, login);
    assert.match(await page.locator('.sw-error-summary').innerText(), message);
    assert.equal((await context.cookies(server.url)).find((c) => c.name === 'swforce_session'), undefined, `${login} is not signed in`);
    await context.close();
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await continueToProvider(page, 'sam@sso.test');
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(server.url)),
    page.getByRole('button', { name: 'Cancel' }).click(),
  ]);
  assert.match(await page.locator('.sw-error-summary').innerText(), /Sign-on was cancelled/);
  // The summary links to the work email field, which is there to try again.
  await page.locator('.sw-error-summary a').first().click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sso-email');
  await context.close();

  // An address whose domain has no single sign-on is told so on swforce's own page.
  const plain = await browser.newPage();
  await plain.goto(server.url + '/sign-in');
  await plain.getByLabel('Work email address').fill('someone@nowhere.test');
  await plain.getByRole('button', { name: 'Continue to your organisation' }).click();
  assert.match(await plain.locator('.sw-error-summary').innerText(), /Single sign-on is not set up for nowhere.test/);
  await plain.close();

  // The organisation's audit log holds the sign-ons and each refusal.
  const admin = await browser.newPage();
  await signIn(admin, server.url);
  await admin.goto(orgUrl + '/audit');
  const log = await admin.locator('table').innerText();
  assert.match(log, /single sign-on with http:\/\/127\.0\.0\.1/);
  assert.match(log, /account made at first single sign-on/);
  assert.match(log, /started in another browser/);
  assert.match(log, /the ID token was refused/);
  assert.match(log, /eve@elsewhere.test is outside sso.test/);
  assert.match(log, /access_denied/);
  await admin.close();
});

test('axe finds no serious or critical problem on the sign-in page with single sign-on', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + '/sign-in');
  for (const name of ['sign in with single sign-on', 'single sign-on error']) {
    const violations = await axe(page);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
    await page.getByLabel('Work email address').fill('nobody@nowhere.test');
    await page.getByRole('button', { name: 'Continue to your organisation' }).click();
  }
  await context.close();
});
