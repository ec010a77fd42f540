// Pages people enjoy: short overview pages with contents, a header that folds on a phone,
// chart words large enough to read, results and errors in view, dates and numbers in words.
// Screenshots of the main pages at desktop and phone width are written to e2e/screenshots/
// (or SWFORCE_SCREENSHOTS) for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, censusFixture, signIn, repo } from './helpers.mjs';

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

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// Overview pages: the height each may take at each width (they were 29,000 to 36,000 px).
const OVERVIEWS = [
  ['England', '/', 9000, 10000],
  ['a region', '/regions/E12000008', 9000, 10500],
  ['an authority', '/authorities/E10000016', 10500, 12500],
];

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

  test(`overview pages are short, list their contents, and open each indicator to its chart (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    for (const [name, path, desktop, phone] of OVERVIEWS) {
      for (const [viewport, budget] of [[DESKTOP, desktop], [PHONE, phone]]) {
        await page.setViewportSize(viewport);
        await page.goto(server.url + path);
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        assert.ok(height <= budget, `${name} at ${viewport.width}px is ${height}px high (budget ${budget}px)`);
      }
      const contents = page.getByRole('navigation', { name: 'Contents' });
      for (const link of await contents.getByRole('link').all()) {
        const target = (await link.getAttribute('href')).slice(1);
        assert.equal(await page.locator(`[id="${target}"]`).count(), 1, `${name}: the contents link to #${target} has a section`);
      }
    }
    // An authority's first screen answers "how are we doing against our region and England".
    await page.setViewportSize(DESKTOP);
    await page.goto(server.url + '/authorities/E10000016');
    const first = page.locator('.sw-card').nth(1);
    assert.match(await first.innerText(), /Turnover rate \(FTE\)[\s\S]*than South East \([\d.]+%\)[\s\S]*than England \([\d.]+%\)/);
    const box = await first.boundingBox();
    assert.ok(box.y + box.height <= DESKTOP.height, 'the turnover card is on the first screen');
    // The contents link leads to the indicators; an indicator opens to its chart and table.
    await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'Indicators over time' }).click();
    assert.match(page.url(), /#indicators$/);
    const turnover = page.locator('#turnover-rate-fte');
    assert.match(await turnover.locator('h3').innerText(), /^Turnover rate \(FTE\)$/);
    assert.equal(await turnover.locator('svg').isVisible(), false, 'folded until asked for');
    await turnover.getByText('Chart and table').click();
    assert.equal(await turnover.locator('svg').isVisible(), true);
    assert.equal(await turnover.locator('table').isVisible(), true);
    // Ranks are said from the nearer end.
    const cards = await page.locator('.sw-cards').innerText();
    const ranks = [...cards.matchAll(/(\d+)(?:st|nd|rd|th) (highest|lowest) of (\d+)/g)];
    assert.ok(ranks.length > 0, cards);
    for (const [said, n, , of] of ranks) assert.ok(2 * Number(n) <= Number(of) + 1, `"${said}" is said from the far end`);
    await context.close();
  });

  test(`on a phone the header folds its menu, which opens without JavaScript (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    const header = await page.locator('header').boundingBox();
    assert.ok(header.height <= 170, `the header takes ${header.height}px`);
    const agency = page.getByRole('link', { name: 'Agency rules' });
    assert.equal(await agency.isVisible(), false, 'the menu is folded');
    await page.locator('header summary', { hasText: 'Menu' }).click();
    await agency.click();
    assert.equal(await page.locator('h1').innerText(), 'Agency rules');
    // At desktop width the menu is a row of links, with no "Menu" to open.
    await page.setViewportSize(DESKTOP);
    assert.equal(await page.getByRole('link', { name: 'Agency rules' }).isVisible(), true);
    assert.equal(await page.locator('header summary', { hasText: 'Menu' }).isVisible(), false);
    await context.close();
  });
}

test('chart words stay at least 12px on a phone, and the last year label is not cut off', async () => {
  for (const viewport of [PHONE, DESKTOP]) {
    const page = await browser.newPage({ viewport });
    await page.goto(server.url + '/authorities/E10000016');
    const turnover = page.locator('#turnover-rate-fte');
    await turnover.getByText('Chart and table').click();
    const svg = turnover.locator('svg');
    const measured = await svg.evaluate((s) => {
      const scale = s.getScreenCTM().a;
      const texts = [...s.querySelectorAll('text')];
      const smallest = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
      const right = s.getBoundingClientRect().right;
      const overflow = Math.max(...texts.map((t) => t.getBoundingClientRect().right - right));
      return { smallest, overflow };
    });
    assert.ok(measured.smallest >= 12, `chart words are ${measured.smallest.toFixed(1)}px at ${viewport.width}px`);
    assert.ok(measured.overflow <= 0.5, `a label runs ${measured.overflow.toFixed(1)}px past the chart at ${viewport.width}px`);
    await page.close();
  }
});

test('an authority downloads whole in one file; a comparison takes several at once and draws their regions and England', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(server.url + '/authorities/E10000016');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download every figure for Kent as one CSV file' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^measure,year,Kent \(E10000016\)/);
  assert.ok(csv.split('\n').length > 100, 'every measure and year');
  await page.goto(server.url + '/compare');
  await page.getByLabel('Or add several at once').fill('Kent\nMedway\nBournemouth, Christchurch and Poole');
  await page.getByRole('button', { name: 'Add to comparison' }).click();
  assert.deepEqual(await page.locator('.sw-summary-list__key').allInnerTexts(), ['Kent', 'Medway', 'Bournemouth, Christchurch and Poole']);
  const legend = await page.locator('#turnover-rate-fte .sw-chart__legend').innerText();
  for (const name of ['Kent', 'Medway', 'South East', 'South West', 'England']) assert.match(legend, new RegExp(name));
  await context.close();
});

test('a failed form puts focus on its error summary, and levers that cannot run land on theirs', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/sign-in');
  await page.getByLabel('Email address', { exact: true }).fill('nobody@example.org');
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'sw-error-summary');
  // Without a script too: the projection form's address leads to the summary.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const bare = await context.newPage();
  await bare.goto(server.url + '/projections/E10000016');
  await bare.locator('#run').evaluate((d) => { d.open = true; });
  await bare.getByLabel('Runs').fill('many');
  await bare.getByRole('button', { name: 'Run the projection' }).click();
  assert.match(bare.url(), /#results$/);
  assert.match(await bare.locator('#results').innerText(), /There is a problem/);
  assert.equal(await bare.locator('#run').getAttribute('open'), '', 'the levers with the problem are open');
  await context.close();
  await page.close();
});

test('checking a census return lands on the findings, which download without choosing the file again', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(server.url + '/census');
  const valid = readFileSync(censusFixture('three-workers.xml'), 'utf8');
  const broken = valid.replace('<OrgRole>', '<OrgRole>9');
  await page.setInputFiles('#file', { name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(broken) });
  await page.getByRole('button', { name: 'Check the return' }).click();
  assert.match(page.url(), /#result$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'result');
  assert.match(await page.locator('main').innerText(), /\d+ errors? and \d+ quer(y|ies)/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the findings as CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'broken-findings.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^rule,severity,line,column,path,element,record,message,fix,note/);
  assert.ok(csv.split('\n').length > 2, 'the findings are in the file');
  // A refused file lands on the error summary.
  await page.goto(server.url + '/census');
  await page.getByRole('button', { name: 'Check the return' }).click();
  assert.match(page.url(), /#result$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'result');
  assert.match(await page.locator('.sw-error-summary').innerText(), /There is a problem/);
  await context.close();
});

test('no page says a date the ISO way, a count as "(s)", or a path of the source code', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, server.url);
  const paths = ['/', '/authorities/E10000016', '/regions/E12000008', '/about', '/imports', '/agency', '/projections', '/projections/method', '/census', '/time', '/exchange', '/admin', '/account'];
  for (const path of paths) {
    await page.goto(server.url + path);
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /\b\d{4}-\d{2}-\d{2}\b/, `${path} shows an ISO date`);
    assert.doesNotMatch(text, /\w\(s\)/, `${path} says "(s)"`);
    assert.doesNotMatch(text, /\bdocs\/\w+\.md\b/, `${path} names a file of the source`);
    assert.doesNotMatch(text, /\(([^()]{2,})\) \(\1\)/, `${path} doubles a unit`);
  }
  await page.close();
});

test('screenshots of the main pages at desktop and phone width', async () => {
  const dir = process.env.SWFORCE_SCREENSHOTS || join(repo, 'e2e', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const pages = [['england', '/'], ['region', '/regions/E12000008'], ['authority', '/authorities/E10000016'], ['compare', '/compare?add=E10000016&add=E06000035'], ['projection', '/projections/E10000016?years=5&runs=200&university_places=50#results'], ['census', '/census'], ['agency', '/agency'], ['time', '/time'], ['exchange', '/exchange'], ['about', '/about']];
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await browser.newPage({ viewport });
    for (const [name, path] of pages) {
      const r = await page.goto(server.url + path);
      assert.equal(r.status(), 200, path);
      const file = join(dir, `${name}-${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
    }
    await page.close();
  }
});
