// People and access in a real browser: the first admin adds an organisation and invites someone,
// who sets a password and sees only what their role allows; axe on every signed-in page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, axe, censusFixture, signIn, ADMIN } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function noSeriousProblems(page, name) {
  const violations = await axe(page);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
  for (const v of violations) console.log(`  ${name}: ${v.impact} ${v.id}: ${v.help}`);
}

/** Adds an organisation from the admin page and returns its page's address. */
async function addOrganisation(page, name, la, domain) {
  await page.goto(server.url + '/admin');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Local authority', { exact: true }).check();
  await page.getByLabel(/^Local authority \(local authorities/).fill(la);
  await page.getByLabel('Email domain (optional)').fill(domain);
  await page.getByRole('button', { name: 'Add organisation' }).click();
  assert.equal(await page.locator('h1').innerText(), name);
  return page.url().split('?')[0];
}

/** Invites someone from an organisation's page; returns the invitation link. */
async function invite(page, orgUrl, name, email, roleLabel) {
  await page.goto(orgUrl);
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel(roleLabel, { exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.match(await page.locator('.sw-notification-banner').innerText(), new RegExp(`${name} invited`));
  return (await page.locator('.sw-inset-text code').innerText()).trim();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  test(`a newcomer is invited, sets a password and sees only what the role allows (${mode})`, async () => {
    const admin = await browser.newContext({ javaScriptEnabled });
    const a = await admin.newPage();
    await signIn(a, server.url);
    assert.match(await a.locator('header').innerText(), /Ada Admin, swforce administrators/);
    await a.getByRole('link', { name: 'Administration' }).click();
    const suffix = javaScriptEnabled ? 'js' : 'nojs';
    const org = await addOrganisation(a, `Council ${suffix}`, javaScriptEnabled ? 'Kent' : 'Surrey', `${suffix}.test`);
    const link = await invite(a, org, 'Sam Patel', `sam@${suffix}.test`, 'Social worker');

    const newcomer = await browser.newContext({ javaScriptEnabled });
    const s = await newcomer.newPage();
    await s.goto(link);
    assert.equal(await s.locator('h1').innerText(), 'Set your password');
    await s.getByLabel('New password', { exact: true }).fill('river-kettle-orange');
    await s.getByLabel('Type the new password again').fill('river-kettle-orange');
    await s.getByRole('button', { name: 'Set password and sign in' }).click();
    assert.equal(await s.locator('h1').innerText(), 'Your account');
    assert.match(await s.locator('header').innerText(), new RegExp(`Sam Patel, Council ${suffix}`));
    assert.match(await s.locator('main').innerText(), /Social worker/);
    assert.equal(await s.getByRole('link', { name: 'Administration' }).count(), 0, 'no administration for a social worker');
    assert.equal(await s.getByRole('heading', { name: 'API tokens' }).count(), 0, 'no tokens either');
    const adminPage = await s.goto(server.url + '/admin');
    assert.equal(adminPage.status(), 403);
    assert.match(await s.locator('main').innerText(), /You do not have permission/);
    await s.getByRole('button', { name: 'Sign out' }).click();
    assert.match(await s.locator('main').innerText(), /You have signed out/);
    const after = await s.goto(server.url + '/account');
    assert.match(s.url(), /\/sign-in\?next=%2Faccount/);
    assert.equal(after.status(), 200);

    // The admin sees the newcomer's sign-in on the organisation's audit log.
    await a.goto(org + '/audit');
    assert.match(await a.locator('table').innerText(), new RegExp(`sam@${suffix}.test`));
    await admin.close();
    await newcomer.close();
  });
}

test('signing in works with the keyboard alone, with the focus always visible', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/sign-in');
  const focusVisible = () => page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== 'none' || s.boxShadow !== 'none' || s.backgroundColor === 'rgb(255, 221, 0)';
  });
  for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement.id)) !== 'email'; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  assert.ok(await focusVisible(), 'email focus');
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Tab');
  assert.ok(await focusVisible(), 'button focus');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.keyboard.press('Enter')]);
  assert.match(await page.locator('header').innerText(), /Ada Admin/);
  await page.close();
});

test('axe finds no serious or critical problem on the sign-in, account and administration pages', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + '/sign-in');
  await noSeriousProblems(page, 'sign in');
  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.sw-error-summary').waitFor();
  await noSeriousProblems(page, 'sign in, wrong password');
  await page.goto(server.url + '/password-reset');
  await noSeriousProblems(page, 'password reset');
  await page.getByLabel('Email address').fill('someone@example.test');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await noSeriousProblems(page, 'password reset sent');

  await signIn(page, server.url);
  const org = await addOrganisation(page, 'Devon County Council', 'Devon', 'devon.test');
  await noSeriousProblems(page, 'organisation');
  await page.getByLabel('Team name').fill('Assessment East');
  await page.getByRole('button', { name: 'Add team' }).click();
  const link = await invite(page, org, 'An Analyst', 'an@devon.test', 'Workforce analyst');
  await noSeriousProblems(page, 'organisation, invited');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.locator('.sw-error-summary').waitFor();
  await noSeriousProblems(page, 'organisation, invitation errors');
  await page.goto(server.url + '/admin');
  await noSeriousProblems(page, 'organisations');
  await page.goto(org);
  await page.getByRole('link', { name: 'An Analyst' }).click();
  await noSeriousProblems(page, 'person');
  await page.goto(org + '/audit');
  await noSeriousProblems(page, 'audit log');
  await page.goto(server.url + '/account');
  await noSeriousProblems(page, 'account, site admin');

  // The analyst: set password, make a token, store the authority's census return.
  const analyst = await browser.newContext({ bypassCSP: true });
  const p = await analyst.newPage();
  await p.goto(link);
  await noSeriousProblems(p, 'set password');
  await p.getByRole('button', { name: 'Set password and sign in' }).click();
  await p.locator('.sw-error-summary').waitFor();
  await noSeriousProblems(p, 'set password, errors');
  await p.getByLabel('New password', { exact: true }).fill('river-kettle-orange');
  await p.getByLabel('Type the new password again').fill('river-kettle-orange');
  await p.getByRole('button', { name: 'Set password and sign in' }).click();
  await p.getByLabel('Token name').fill('Dashboard');
  await p.getByLabel('Read your organisation\'s census returns and their indicators').check();
  await p.getByRole('button', { name: 'Make token' }).click();
  assert.match(await p.locator('.sw-token').innerText(), /^swf_[0-9a-f]{64}$/);
  await noSeriousProblems(p, 'account, new token');
  await p.goto(server.url + '/census/returns');
  await noSeriousProblems(p, 'census returns');
  // Another authority's return is refused; Devon's own (DfE code 878) is stored.
  const bcp = readFileSync(censusFixture('three-workers.xml'), 'utf8');
  await p.setInputFiles('#file', { name: 'bcp.xml', mimeType: 'application/xml', buffer: Buffer.from(bcp) });
  await p.getByRole('button', { name: 'Check and store the return' }).click();
  assert.match(await p.locator('.sw-error-summary').innerText(), /your organisation returns the census for Devon/);
  await noSeriousProblems(p, 'census returns, refused');
  await p.setInputFiles('#file', { name: 'devon.xml', mimeType: 'application/xml', buffer: Buffer.from(bcp.replace('<LEA>839</LEA>', '<LEA>878</LEA>')) });
  await p.getByRole('button', { name: 'Check and store the return' }).click();
  assert.match(await p.locator('.sw-notification-banner').innerText(), /Return for 2022 stored/);
  await noSeriousProblems(p, 'census returns, stored');
  await p.getByRole('link', { name: 'Year to 30 September 2022' }).click();
  assert.match(await p.locator('main').innerText(), /Social workers in post/);
  await noSeriousProblems(p, 'census return indicators');
  // Next year's return, checked by the authority's own analyst, is compared with the stored one:
  // one social worker is missing and in-post FTE fell by a third.
  const next = bcp.replace('<LEA>839</LEA>', '<LEA>878</LEA>').replace('<Year>2022</Year>', '<Year>2023</Year>').replace('<ReferenceDate>2022-09-30', '<ReferenceDate>2023-09-30');
  const dropped = next.slice(0, next.lastIndexOf('  <CSWWWorker>')) + '</Message>\n';
  await p.goto(server.url + '/census');
  await p.setInputFiles('#file', { name: 'devon-2023.xml', mimeType: 'application/xml', buffer: Buffer.from(dropped) });
  await p.getByRole('button', { name: 'Check the return' }).click();
  assert.match(await p.locator('#continuity ~ p').first().innerText(), /Compared with your stored 2022 return: of the 3 social workers in post on 30 September 2022, 1 is neither in post nor a leaver/);
  assert.match(await p.locator('main').innerText(), /CSWW-C02/);
  await noSeriousProblems(p, 'census return checked, continuity and queries to explain');
  await analyst.close();
  await context.close();
});
