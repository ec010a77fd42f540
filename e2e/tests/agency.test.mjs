// Agency rules in a real browser: a regional alliance sets a price cap, a council's analyst
// imports the register, follows an engagement's breach to its evidence and records one by form
// (without JavaScript); anyone checks a file; axe on every agency page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, axe, signIn, fixture } from './helpers.mjs';

let server;
let browser;
const links = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await browser.newPage();
  await signIn(admin, server.url);
  for (const [name, kind, place, person, email] of [
    ['Kent County Council', 'Local authority', 'Kent', 'Ana Analyst', 'ana@kent.test'],
    ['South East Regional Alliance', 'Regional alliance', 'South East', 'Lee Lead', 'lee@se-alliance.test'],
  ]) {
    await admin.goto(server.url + '/admin');
    await admin.getByLabel('Name', { exact: true }).fill(name);
    await admin.getByLabel(kind, { exact: true }).check();
    await admin.getByLabel(/^Local authority \(local authorities/).fill(place);
    await admin.getByRole('button', { name: 'Add organisation' }).click();
    assert.equal(await admin.locator('h1').innerText(), name);
    await admin.getByLabel('Full name').fill(person);
    await admin.getByLabel('Email address').fill(email);
    await admin.getByLabel('Workforce analyst', { exact: true }).check();
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    links[email] = (await admin.locator('.sw-inset-text code').innerText()).trim();
  }
  await admin.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Accepts an invitation in a new browser context and returns the signed-in page. */
async function accept(email, javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(links[email]);
  await page.getByLabel('New password', { exact: true }).fill('river-kettle-orange');
  await page.getByLabel('Type the new password again').fill('river-kettle-orange');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  assert.equal(await page.locator('h1').innerText(), 'Your account');
  return page;
}

async function noSeriousProblems(page, name) {
  const violations = await axe(page);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

test('an alliance sets a cap; a council imports its register and follows a breach to its evidence (without JavaScript)', async () => {
  const lee = await accept('lee@se-alliance.test', false);
  await lee.getByRole('link', { name: 'Agency rules' }).click();
  await lee.getByRole('link', { name: "Your region's agency workers" }).click();
  assert.match(await lee.locator('h1').innerText(), /Agency workers in South East/);
  for (const [job, hourly] of [['Social worker', '55.00'], ['Senior social worker', '62.00']]) {
    await lee.getByLabel('Job type').selectOption({ label: job });
    await lee.getByLabel('Applies from').fill('2024-10-31');
    await lee.getByLabel('Most a council pays an hour, £').fill(hourly);
    await lee.getByRole('button', { name: 'Save the cap' }).click();
  }
  assert.match(await lee.locator('table').last().innerText(), /Senior social worker\s+2024-10-31\s+£62.00/);

  const ana = await accept('ana@kent.test', false);
  await ana.getByRole('link', { name: 'Agency rules' }).click();
  await ana.getByRole('link', { name: "Your council's agency workers" }).click();
  await ana.getByLabel('Engagements file (CSV)').setInputFiles(fixture('agency_engagements.csv'));
  await ana.getByRole('button', { name: 'Check and import' }).click();
  assert.match(await ana.locator('.sw-notification-banner').innerText(), /13 added, 0 updated, 0 unchanged/);
  await ana.getByRole('link', { name: 'See the register' }).click();
  const row = ana.locator('tr', { hasText: 'KCC-AGY-0003' });
  assert.match(await row.innerText(), /Breach/);
  await row.getByRole('link', { name: 'KCC-AGY-0003' }).click();
  const evidence = await ana.locator('tr', { hasText: 'AGY-2' }).innerText();
  assert.match(evidence, /resigned from East Sussex County Council .* before 2025-04-30/);

  // A new engagement by form: a wrong registration number is shown beside its field.
  await ana.getByRole('link', { name: 'Back to the register' }).click();
  await ana.getByRole('link', { name: 'Record an engagement' }).click();
  await ana.getByLabel('Your reference for the engagement').fill('KCC-AGY-0100');
  await ana.getByLabel('Social Work England registration number').fill('12345');
  await ana.getByLabel('Agency', { exact: true }).fill('Harbour Social Care Ltd');
  await ana.getByLabel('Start date').fill('01/09/2025');
  await ana.getByRole('button', { name: 'Save and check the engagement' }).click();
  assert.match(await ana.locator('.sw-error-summary').innerText(), /SW/);
  await ana.locator('.sw-error-summary a').first().click();
  assert.match(ana.url(), /#swe_number$/);
  await ana.getByLabel('Social Work England registration number').fill('SW765432');
  await ana.getByRole('button', { name: 'Save and check the engagement' }).click();
  assert.match(await ana.locator('h1').innerText(), /Engagement KCC-AGY-0100/);
  assert.match(await ana.locator('main').innerText(), /Missing information/);

  // The council part of the return: an explanation for a rule breached, saved with a banner.
  await ana.goto(server.url + '/agency/council?quarter=2025Q3');
  await ana.getByLabel('Why AGY-2 was not complied with').fill('Engaged before the new checks were in place');
  await ana.getByLabel('Harbour Social Care Ltd').fill('References arrived late');
  await ana.getByRole('button', { name: 'Save the return notes' }).click();
  assert.match(await ana.locator('.sw-notification-banner').innerText(), /Return notes for July to September 2025 saved/);
  assert.equal(await ana.getByLabel('Why AGY-2 was not complied with').inputValue(), 'Engaged before the new checks were in place');

  // The alliance sees the council, without names.
  await lee.goto(server.url + '/agency/region?quarter=2025Q3');
  const councils = await lee.locator('table', { hasText: 'Kent County Council' }).innerText();
  assert.match(councils, /Kent County Council\s+14/);
  assert.doesNotMatch(await lee.locator('main').innerText(), /SW118402/);
  await lee.context().close();
  await ana.context().close();
});

test('anyone checks a file against the rules and nothing is kept', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/agency');
  await page.getByLabel('Engagements file (CSV)').setInputFiles(fixture('agency_engagements.csv'));
  await page.getByRole('button', { name: 'Check the engagements' }).click();
  assert.match(await page.locator('h1').innerText(), /Agency engagements checked/);
  assert.match(await page.locator('main').innerText(), /Nothing from the file has been kept/);
  // Counts by rule at the top; a folded line per engagement.
  assert.match(await page.locator('table', { hasText: 'Results by rule' }).innerText(), /AGY-1 Three years' experience\s+11\s+1\s+1\s+0/);
  const ninth = page.locator('details', { hasText: 'KCC-AGY-0009' });
  assert.match(await ninth.locator('summary').innerText(), /Breach/);
  assert.equal(await ninth.getByText(/notice of 1 week/).isVisible(), false, 'folded');
  await ninth.locator('summary').click();
  assert.equal(await ninth.getByText(/notice of 1 week/).isVisible(), true, 'opened');
  // Only breaches, with no script needed.
  const first = page.locator('details', { hasText: 'KCC-AGY-0001' });
  assert.equal(await first.isVisible(), true);
  await page.getByLabel(/Show only the 5 engagements with a breach/).check();
  assert.equal(await first.isVisible(), false);
  assert.equal(await ninth.isVisible(), true);
  // The results as a file, without choosing the file again.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Download the results/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'agency_engagements-results.csv');
  const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.equal(text.trim().split(/\r?\n/).length, 13 * 6 + 1);
  await page.close();
});

test('axe finds no serious or critical problem on the agency pages', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + '/agency');
  await noSeriousProblems(page, 'agency rules');
  await page.getByLabel('Engagements file (CSV)').setInputFiles(fixture('agency_engagements.csv'));
  await page.getByRole('button', { name: 'Check the engagements' }).click();
  await noSeriousProblems(page, 'check results');
  await signIn(page, server.url, 'ana@kent.test', 'river-kettle-orange');
  for (const path of ['/agency/council?quarter=2025Q3', '/agency/council/engagements', '/agency/council/engagements/new']) {
    await page.goto(server.url + path);
    await noSeriousProblems(page, path);
  }
  await page.getByRole('button', { name: 'Save and check the engagement' }).click();
  await noSeriousProblems(page, 'form with errors');
  await page.goto(server.url + '/agency/council/engagements');
  await page.getByRole('link', { name: 'KCC-AGY-0001' }).click();
  await noSeriousProblems(page, 'an engagement');
  await context.close();
  const alliance = await browser.newContext({ bypassCSP: true });
  const lee = await alliance.newPage();
  await signIn(lee, server.url, 'lee@se-alliance.test', 'river-kettle-orange');
  await lee.goto(server.url + '/agency/region');
  await noSeriousProblems(lee, 'region');
  await alliance.close();
});
