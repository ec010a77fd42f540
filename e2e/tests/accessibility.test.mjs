// axe-core on every page type, keyboard-only journeys and visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, axe, fixture, censusFixture, signIn } from './helpers.mjs';

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

const PAGES = [
  ['England overview', '/'],
  ['region', '/regions/E12000009'],
  ['authority', '/authorities/E09000007'],
  ['merged authority', '/authorities/E06000058'],
  ['former authority', '/authorities/E06000028'],
  ['compare, empty', '/compare'],
  ['compare, three', '/compare?la=E09000007&la=E09000003&la=E06000058'],
  ['authority, 2021 neighbours', '/authorities/E10000016?neighbours=2021'],
  ['compare with statistical neighbours', '/compare?neighbours=E10000016&model=2025'],
  ['projection, authority with neighbour suggestions', '/projections/E10000016?runs=100&years=5'],
  ['projection, authority with its own places and difference charts', '/projections/E10000016?runs=100&years=5&own_places=30&retain_cut=10'],
  ['compare, too many', '/compare?la=E09000007&la=E09000003&la=E06000058&la=E06000059&la=E06000052&la=E08000025&la=E08000026'],
  ['search, empty', '/search'],
  ['search, results', '/search?q=north'],
  ['about the data', '/about'],
  ['imports', '/imports'],
  ['page not found', '/no/such/page'],
  ['projections', '/projections'],
  ['projection, baseline', '/projections/E92000001?runs=100&years=5'],
  ['projection, scenario', '/projections/E12000009?runs=100&years=5&frontline_places=300&retain_cut=10&direct_target=30&agency_cap=15'],
  ['projection, errors', '/projections/E09000007?retain_cut=140&years=abc'],
  ['projection method', '/projections/method'],
  ['census return', '/census'],
  ['time for social work', '/time'],
  ['time, England', '/time/england'],
  ['time, England, capacity error', '/time/england?shift=abc#capacity'],
  ['time, a region', '/time/regions/E12000008'],
];

for (const [name, path] of PAGES) {
  test(`axe finds no serious or critical problem: ${name}`, async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(server.url + path);
    const violations = await axe(page);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], JSON.stringify(violations, null, 2));
    for (const v of violations) console.log(`  ${name}: ${v.impact} ${v.id}: ${v.help}`);
    await context.close();
  });
}

test('axe finds no serious or critical problem: imports with errors', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, server.url);
  await page.goto(server.url + '/imports');
  await page.setInputFiles('#file', { name: 'semi.csv', mimeType: 'text/csv', buffer: Buffer.from('a;b;c\n1;2;3\n') });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.locator('.sw-error-summary').waitFor();
  const violations = await axe(page);
  assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], JSON.stringify(violations, null, 2));
  await context.close();
});

test('axe finds no serious or critical problem: census return checked, with errors', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + '/census');
  const valid = readFileSync(censusFixture('three-workers.xml'), 'utf8');
  await page.setInputFiles('#file', { name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(valid.replace('<OrgRole>', '<OrgRole>9')) });
  await page.getByRole('button', { name: 'Check the return' }).click();
  await page.locator('.sw-warning-text').waitFor();
  const violations = await axe(page);
  assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], JSON.stringify(violations, null, 2));
  await context.close();
});

test('axe finds no serious or critical problem: the time diary, its error state and the leaders\' pages', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const check = async (name) => {
    const violations = await axe(page);
    assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], `${name}: ${JSON.stringify(violations, null, 2)}`);
    for (const v of violations) console.log(`  ${name}: ${v.impact} ${v.id}: ${v.help}`);
  };
  // An organisation admin keeps a diary and leads: every time page is theirs to see.
  await signIn(page, server.url);
  await page.goto(server.url + '/admin');
  await page.getByLabel('Name', { exact: true }).fill('Hythe Council');
  await page.getByLabel('Local authority', { exact: true }).check();
  await page.getByLabel(/^Local authority \(local authorities/).fill('Kent');
  await page.getByRole('button', { name: 'Add organisation' }).click();
  await page.getByLabel('Full name').fill('Ola Admin');
  await page.getByLabel('Email address').fill('ola@hythe.test');
  await page.getByLabel('Organisation admin', { exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = (await page.locator('.sw-inset-text code').innerText()).trim();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('river-kettle-orange');
  await page.getByLabel('Type the new password again').fill('river-kettle-orange');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.goto(server.url + '/time/diary');
  await check('time diary');
  await page.getByLabel('Direct work face to face', { exact: true }).fill('-3');
  await page.getByLabel('Your contracted hours this week').fill('');
  await page.getByRole('button', { name: 'Save this week' }).click();
  await page.locator('.sw-error-summary').waitFor();
  await check('time diary with errors');
  await page.getByLabel('Calendar file (.ics)').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a calendar') });
  await page.getByRole('button', { name: 'Suggest hours from my calendar' }).click();
  await page.locator('.sw-error-summary').waitFor();
  await check('time diary, calendar refused');
  await page.getByLabel('Direct work face to face', { exact: true }).fill('20');
  await page.getByLabel('Forms', { exact: true }).check();
  await page.getByRole('button', { name: 'Save this week' }).click();
  await page.locator('.sw-notification-banner--success').waitFor();
  await check('time diary, saved');
  for (const path of ['/time/mine', '/time/organisation', '/time/settings']) {
    await page.goto(server.url + path);
    await check(path);
  }
  await context.close();
});

/** Presses Tab until `predicate` holds for the focused element; returns how many presses. */
async function tabTo(page, predicate, limit = 60) {
  for (let i = 1; i <= limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return i;
  }
  throw new Error('never reached the element by keyboard');
}

/** Whether the focused element shows a focus indicator: an outline, a box shadow or the yellow fill. */
async function focusVisible(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor !== 'rgba(0, 0, 0, 0)' && s.outlineColor !== 'transparent';
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const yellow = s.backgroundColor === 'rgb(255, 221, 0)';
    return outline || shadow || yellow;
  });
}

test('the skip link comes first, shows when focused and leads to the content', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/authorities/E09000007');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content');
  assert.ok(await focusVisible(page));
  const box = await page.evaluate(() => document.activeElement.getBoundingClientRect().height);
  assert.ok(box > 10, 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  // Following an in-page link is not awaited by the key press; wait for it rather than race it.
  await page.waitForURL(/#main-content$/, { timeout: 5000 });
  assert.match(page.url(), /#main-content$/);
  await page.close();
});

test('search, choose and compare using only the keyboard, with focus always visible', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  await tabTo(page, () => document.activeElement.id === 'header-search');
  assert.ok(await focusVisible(page), 'search box focus');
  await page.keyboard.type('barnet');
  await page.keyboard.press('Enter');
  await page.waitForURL(/search\?q=barnet/);
  await tabTo(page, () => document.activeElement.textContent.trim() === 'Barnet');
  assert.ok(await focusVisible(page), 'result link focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(/authorities\/E09000003/);
  await tabTo(page, () => /^Compare Barnet/.test(document.activeElement.textContent.trim()));
  assert.ok(await focusVisible(page), 'link focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(/compare/);
  await tabTo(page, () => document.activeElement.id === 'add');
  assert.ok(await focusVisible(page), 'select focus');
  await page.keyboard.type('Camden');
  await tabTo(page, () => document.activeElement.textContent.trim() === 'Add to comparison');
  assert.ok(await focusVisible(page), 'button focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(/add=E09000007/);
  assert.deepEqual(await page.locator('.sw-summary-list__key').allInnerTexts(), ['Barnet', 'Camden']);
  await page.close();
});

test('an upload can be made and corrected using only the keyboard', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url);
  await page.goto(server.url + '/imports');
  await tabTo(page, () => document.activeElement.id === 'file');
  assert.ok(await focusVisible(page), 'file input focus');
  await page.setInputFiles('#file', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await tabTo(page, () => document.activeElement.textContent.trim() === 'Import');
  await page.keyboard.press('Enter');
  await page.locator('.sw-error-summary').waitFor();
  await tabTo(page, () => document.activeElement.getAttribute('href') === '#file');
  assert.ok(await focusVisible(page), 'error link focus');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'file');
  const text = readFileSync(fixture('csww_headline_2018_to_2022_bom_symbols.csv'));
  await page.setInputFiles('#file', { name: 'fixed.csv', mimeType: 'text/csv', buffer: text });
  await tabTo(page, () => document.activeElement.textContent.trim() === 'Import');
  await page.keyboard.press('Enter');
  await page.locator('.sw-notification-banner--success').waitFor();
  await page.close();
});
