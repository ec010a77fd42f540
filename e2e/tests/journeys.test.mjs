// What a workforce lead does, in a real browser, with and without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, fixture, censusFixture, signIn } from './helpers.mjs';

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

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

  test(`England to a region to an authority, then three compared and downloaded (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    assert.equal(await page.locator('h1').innerText(), 'England');
    await page.getByRole('link', { name: 'South West', exact: true }).first().click();
    assert.equal(await page.locator('h1').innerText(), 'South West');
    await page.getByRole('link', { name: 'Bournemouth, Christchurch and Poole', exact: true }).first().click();
    assert.equal(await page.locator('h1').innerText(), 'Bournemouth, Christchurch and Poole');
    assert.ok(await page.locator('svg[role="img"]').count() > 10, 'charts are drawn');
    await page.getByRole('link', { name: 'Compare Bournemouth, Christchurch and Poole with other authorities' }).click();
    for (const name of ['Dorset', 'Cornwall']) {
      await page.getByLabel('Add a local authority').selectOption({ label: name });
      await page.getByRole('button', { name: 'Add to comparison' }).click();
    }
    const chosen = await page.locator('.sw-summary-list__key').allInnerTexts();
    assert.deepEqual(chosen, ['Bournemouth, Christchurch and Poole', 'Dorset', 'Cornwall']);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download every measure for these authorities as CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv.split('\n')[0], /^measure,year,"Bournemouth, Christchurch and Poole \(E06000058\)",Dorset \(E06000059\),Cornwall \(E06000052\)/);
    assert.ok(csv.includes('turnover_rate_fte,2022,22.4,10.8,11.9'), 'published figures in the CSV');
    await context.close();
  });

  test(`searching from the header finds an authority (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(server.url + '/about');
    await page.getByLabel('Search for a local authority or region').fill('camden');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Camden', exact: true }).click();
    assert.equal(await page.locator('h1').innerText(), 'Camden');
    await context.close();
  });

  test(`a projection with Train and Retain levers is run, saved and downloaded (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true });
    const page = await context.newPage();
    // Saving a scenario needs a signed-in person; running one does not.
    await signIn(page, server.url);
    await page.getByRole('link', { name: 'Projections', exact: true }).click();
    await page.getByLabel('Choose a place').selectOption({ label: 'South West' });
    await page.getByRole('button', { name: 'Open the projection' }).click();
    assert.equal(await page.locator('h1').innerText(), 'South West');
    await page.getByLabel('Frontline: extra places a year').fill('300');
    await page.getByLabel('Cut in turnover (%)').fill('10');
    await page.locator('#run').evaluate((d) => { d.open = true; });
    await page.getByLabel('Runs').fill('200');
    await page.getByLabel('Scenario name').fill('Frontline and retention');
    await page.getByRole('button', { name: 'Run the projection' }).click();
    assert.match(await page.locator('#results').innerText(), /Results: \d{4} to \d{4}, 200 runs/);
    // The browser lands on the results, their heading focused.
    assert.match(page.url(), /#results$/);
    if (javaScriptEnabled) {
      // (Without scripts the page cannot be asked where focus is; the markup is the same.)
      assert.equal(await page.evaluate(() => document.activeElement?.id ?? ''), 'results');
    }
    assert.ok(await page.locator('svg[role="img"]').count() >= 10, 'fan charts are drawn');
    const summary = await page.locator('table').first().innerText();
    assert.match(summary, /Frontline and retention/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download every result as CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.equal(csv.split('\n')[0], 'geography_code,geography_name,geographic_level,year,scenario,indicator,mean,p5,p50,p95');
    // Saved, the page confirms it in a banner (in focus) with the link to share.
    const name = `Frontline and retention, South West (${mode})`;
    await page.getByLabel('Save this scenario').fill(name);
    await page.getByRole('button', { name: 'Save scenario' }).click();
    assert.match(page.url(), /\/projections\/E12000009\?.*saved=.*#saved$/);
    const banner = page.locator('.sw-notification-banner--success');
    assert.match(await banner.innerText(), new RegExp(`Scenario \u201c${name.replace(/[()]/g, '\\$&')}\u201d saved`));
    const shared = new URL(await banner.getByRole('link').getAttribute('href')).pathname;
    assert.match(shared, /^\/scenarios\/[0-9a-f]{16}$/);
    if (javaScriptEnabled) assert.equal(await page.evaluate(() => document.activeElement?.id ?? ''), 'saved');
    // A second save under the same name is refused, and says why.
    await page.getByLabel('Save this scenario').fill(name);
    await page.getByRole('button', { name: 'Save scenario' }).click();
    assert.match(await page.locator('.sw-error-summary').innerText(), /already has a scenario called/);
    // Someone signed out who follows the link is told it is private, and may sign in to it.
    const outside = await browser.newContext({ javaScriptEnabled });
    const visitor = await outside.newPage();
    await visitor.goto(server.url + shared);
    assert.equal(await visitor.locator('h1').innerText(), 'This scenario is private');
    await visitor.locator('main').getByRole('link', { name: 'sign in', exact: true }).click();
    assert.match(visitor.url(), /\/sign-in\?next=%2Fscenarios%2F/);
    await outside.close();
    await page.goto(server.url + '/projections');
    await page.getByRole('link', { name }).first().click();
    assert.equal(await page.locator('h1').innerText(), 'South West');
    assert.equal(await page.getByLabel('Frontline: extra places a year').inputValue(), '300');
    await context.close();
  });

  test(`an authority's own training places and each indicator's difference from the baseline (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(server.url + '/projections/E10000016?runs=100&years=5');
    // The Train lever says how national places reach Kent, and takes places of Kent's own.
    const train = await page.locator('#train').innerText();
    assert.match(train, /Kent had \d+(\.\d)?% of the councils' vacancies, so about [\d.]+ in every 100 newly qualified social workers from national places join Kent/);
    await page.getByLabel("Kent's own places: newly qualified social workers a year").fill('30');
    await page.getByRole('button', { name: 'Run the projection' }).click();
    assert.match(page.url(), /own_places=30/);
    // Under each indicator, a second chart: the scenario less the baseline, with its own band,
    // from zero at the origin.
    const difference = page.locator('#inpost-fte svg[role="img"]').nth(1);
    assert.match(await difference.locator('title').textContent(), /Social workers in post \(FTE\), Kent: Scenario less the baseline/);
    // (Other journeys may have imported a later year: the origin is whatever is latest.)
    assert.match(await difference.locator('desc').textContent(), /from 0 in (\d{4}): by \d{4} a median of \d+/);
    assert.equal(await difference.locator('polygon').count(), 1, 'one band');
    // Thirty a year join Kent alone: in post gains, and the table says by how much.
    const row = await page.locator('#inpost-fte table tbody tr').last().innerText();
    assert.match(row, /^\d{4}\s/);
    await context.close();
  });

  test(`a census return is checked: findings by line and record, then indicators (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.getByRole('link', { name: 'Census return', exact: true }).click();
    const valid = readFileSync(censusFixture('three-workers.xml'), 'utf8');
    const broken = valid.replace('<OrgRole>', '<OrgRole>9');
    await page.setInputFiles('#file', { name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(broken) });
    await page.getByRole('button', { name: 'Check the return' }).click();
    assert.match(await page.locator('.sw-warning-text__text').innerText(), /1 error and 0 queries/);
    assert.match(await page.locator('table').first().innerText(), /Message\/CSWWWorker\[1\]\/OrgRole/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.setInputFiles('#file', { name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(broken) });
        await page.getByRole('button', { name: 'Download the findings as CSV' }).click();
      })(),
    ]);
    assert.match(readFileSync(await download.path(), 'utf8'), /^rule,severity,line,column,path,element,record,message,fix,note/);
    await page.goto(server.url + '/census');
    await page.setInputFiles('#file', { name: 'valid.xml', mimeType: 'application/xml', buffer: Buffer.from(valid) });
    await page.getByRole('button', { name: 'Check the return' }).click();
    assert.match(await page.locator('.sw-panel__title').innerText(), /Ready to submit/);
    assert.match(await page.locator('body').innerText(), /Social workers in post \(FTE\)/);
    // A manager holding cases is a query: explained on the page, it no longer stands in the way.
    const queried = valid.replace('<OrgRole>4</OrgRole>', '<OrgRole>2</OrgRole>');
    await page.setInputFiles('#file', { name: 'queried.xml', mimeType: 'application/xml', buffer: Buffer.from(queried) });
    await page.getByRole('button', { name: 'Check the return' }).click();
    assert.match(await page.locator('.sw-warning-text__text').innerText(), /No errors, but 1 of 1 query needs an explanation/);
    await page.getByLabel(/CSWW-B05 on record 1/).fill('Middle manager covering four cases while a post is vacant');
    const [notes] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the explanations (notes CSV)' }).click(),
    ]);
    const notesText = readFileSync(await notes.path(), 'utf8');
    assert.equal(notesText, 'rule,record,note\nCSWW-B05,1,Middle manager covering four cases while a post is vacant\n');
    await page.goto(server.url + '/census');
    await page.setInputFiles('#file', { name: 'queried.xml', mimeType: 'application/xml', buffer: Buffer.from(queried) });
    await page.setInputFiles('#notes', { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from(notesText) });
    await page.getByRole('button', { name: 'Check the return' }).click();
    assert.match(await page.locator('.sw-panel__title').innerText(), /Ready to submit/);
    assert.match(await page.locator('table').first().innerText(), /Middle manager covering four cases/);
    await context.close();
  });

  test(`an upload is imported, and a bad one lists its problems by line (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(server.url + '/imports');
    assert.match(await page.locator('main').innerText(), /sign in to import/);
    await signIn(page, server.url);
    await page.goto(server.url + '/imports');
    await page.setInputFiles('#file', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(readFileSync(fixture('csww_headline_2022_to_2023_new_names.csv'), 'utf8').replace('31645.2', '-31645.2')),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    assert.equal(await page.locator('.sw-error-summary__title').innerText(), 'There is a problem');
    assert.match(await page.locator('.sw-error-summary__list').innerText(), /Line 2, column 11: field "inpost_fte" is -31645.2; a count cannot be negative/);
    if (javaScriptEnabled) {
      // The summary links to the field, and following the link puts the focus there.
      await page.locator('.sw-error-summary__list a').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'file');
    }
    await page.setInputFiles('#file', fixture('csww_headline_2022_to_2023_new_names.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    const banner = page.locator('.sw-notification-banner--success');
    assert.match(await banner.innerText(), /csww_headline_2022_to_2023_new_names\.csv/);
    await context.close();
  });
}
