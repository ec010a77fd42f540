// The social work health check in a real browser: a principal social worker
// opens a round and copies its invitation links; practitioners answer by link on a phone (all
// but the first without JavaScript), one standard a page, one stops and comes back; the round
// closes and its results are published.
// axe finds no serious or critical problem on any of its pages, and screenshots are written at
// desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, axe } from './helpers.mjs';

const PASSWORD = 'river-kettle-orange';
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PHONE = { width: 375, height: 812 };

let server;
let browser;
let psw;
const seen = [];

async function check(page, name) {
  const violations = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
  seen.push(name);
}

async function shot(page, name) {
  const dir = process.env.SWFORCE_SCREENSHOTS || join(repo, 'e2e', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `healthcheck-${name}.png`), fullPage: true });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const made = server.cli(['admin', 'org', 'create', '--type', 'council', '--la', 'E10000016']);
  assert.equal(made.status, 0, made.stderr);
  const invited = server.cli(['admin', 'invite', '--org', 'E10000016', '--email', 'psw@kent.test', '--name', 'Priya Principal', '--role', 'principal_social_worker']);
  assert.equal(invited.status, 0, invited.stderr);
  const link = (invited.stdout + invited.stderr).match(/https?:\/\/\S+/)[0];
  // axe runs in the page, so pages it checks have JavaScript; practitioners after the first
  // answer without it.
  const context = await browser.newContext({ bypassCSP: true });
  psw = await context.newPage();
  await psw.goto(link);
  await psw.getByLabel('New password', { exact: true }).fill(PASSWORD);
  await psw.getByLabel('Type the new password again').fill(PASSWORD);
  await psw.getByRole('button', { name: 'Set password and sign in' }).click();
  assert.equal(await psw.locator('h1').innerText(), 'Your account');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let links = [];
let roundPage = '';

test('a principal social worker opens a round and copies its links', async () => {
  await psw.goto(server.url + '/healthcheck');
  await check(psw, 'index');
  await psw.getByRole('link', { name: 'Open a round' }).click();
  assert.equal(await psw.locator('h1').innerText(), 'Open a round');
  await check(psw, 'new round');
  await psw.getByLabel('Name of the round').fill('Health check 2026');
  await psw.getByLabel('How many invitation links to make now').fill('abc');
  await psw.getByRole('button', { name: 'Open the round' }).click();
  assert.match(await psw.locator('.sw-error-summary').innerText(), /whole number/);
  await check(psw, 'new round with an error');
  await psw.getByLabel('How many invitation links to make now').fill('6');
  await psw.getByLabel('Questions of your own (optional)').fill('I can find a desk when I need one.');
  await psw.getByRole('button', { name: 'Open the round' }).click();
  assert.equal(await psw.locator('h1').innerText(), 'Round opened');
  await check(psw, 'links');
  links = (await psw.locator('#links').inputValue()).trim().split('\n');
  assert.equal(links.length, 6);
  await psw.getByRole('link', { name: "Go to the round's page" }).click();
  roundPage = psw.url();
  assert.match(await psw.locator('main').innerText(), /0 people started, 0 sent/);
  await check(psw, 'round');
});

test('practitioners answer by link on a phone, one stops and comes back, and all send', async () => {
  for (const [i, link] of links.entries()) {
    const context = await browser.newContext({ javaScriptEnabled: i === 0, bypassCSP: true, viewport: PHONE });
    const page = await context.newPage();
    await page.goto(link);
    assert.equal(await page.locator('h1').innerText(), 'About you');
    await page.getByLabel('Social worker', { exact: true }).check();
    if (i === 0) await check(page, 'about you');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    let standard = 0;
    while ((await page.locator('h1').innerText()) !== 'Check your answers before sending') {
      const heading = await page.locator('h1').innerText();
      const legends = page.locator('fieldset legend');
      const n = await legends.count();
      for (let k = 0; k < n; k += 1) {
        const group = page.locator('fieldset').nth(k);
        const choice = heading === 'Staying' && k > 0 ? null : group.getByLabel(['Agree', 'Strongly agree', 'Disagree'][(i + k) % 3], { exact: true });
        if (choice && (await choice.count()) === 1) await choice.check();
      }
      if (i === 0 && standard === 0) {
        await check(page, 'a standard');
        await shot(page, 'question-phone');
        // Stop, and come back by the same link in a new browser.
        await page.getByRole('button', { name: 'Save and come back later' }).click();
        assert.equal(await page.locator('h1').innerText(), 'Your answers are saved');
        await check(page, 'saved for later');
        // Another browser with the same link sees nothing of the saved answers.
        const other = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: PHONE });
        const elsewhere = await other.newPage();
        await elsewhere.goto(link + '/framework');
        assert.equal(await elsewhere.locator('h1').innerText(), 'Your answers are in another browser');
        assert.equal(await elsewhere.locator('input:checked').count(), 0);
        await check(elsewhere, 'answers in another browser');
        await other.close();
        // The same browser comes back to them by the link.
        await page.goto(link + '/framework');
        assert.equal(await page.locator('fieldset').first().locator('input:checked').count(), 1, 'the saved answer is there');
      }
      if (heading === 'Staying') {
        await page.getByLabel('A manageable caseload').check();
        if (i === 0) await check(page, 'staying');
      }
      standard += 1;
      await page.getByRole('button', { name: 'Save and continue' }).click();
    }
    if (i === 0) {
      await check(page, 'check your answers');
      await shot(page, 'check-phone');
    }
    await page.getByRole('button', { name: 'Send your answers' }).click();
    assert.equal(await page.locator('h1').innerText(), 'Answers sent');
    if (i === 0) await check(page, 'answers sent');
    await context.close();
  }
  await psw.goto(roundPage);
  assert.match(await psw.locator('main').innerText(), /6 people started, 6 sent/);
});

test('closing publishes the results, readable at desktop and phone width', async () => {
  await psw.goto(roundPage + '/results');
  assert.match(await psw.locator('main').innerText(), /Results are published when it closes/);
  await psw.goto(roundPage);
  await psw.getByRole('button', { name: 'Close and publish the results' }).click();
  assert.equal(await psw.locator('h1').innerText(), 'Health check 2026');
  const main = await psw.locator('main').innerText();
  assert.match(main, /The eight standards/);
  assert.match(main, /about 5/);
  assert.match(main, /A manageable caseload/);
  await check(psw, 'results');
  await shot(psw, 'results-desktop');
  await psw.setViewportSize(PHONE);
  await shot(psw, 'results-phone');
  await psw.goto(roundPage + '/results?print=1');
  await check(psw, 'printable results');
  await psw.setViewportSize({ width: 1280, height: 900 });
  await psw.goto(roundPage + '/assessment');
  await check(psw, 'self-assessment');
  await psw.getByLabel('Met', { exact: true }).first().check();
  await psw.getByRole('button', { name: 'Save' }).click();
  assert.match(await psw.locator('.sw-notification-banner--success').innerText(), /Self-assessment saved/);
  await psw.goto(server.url + '/healthcheck/questions');
  await check(psw, 'questions');
  assert.ok(seen.length >= 12, seen.join(', '));
});
