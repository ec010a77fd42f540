// Statistical neighbours in a real browser, with and without JavaScript: from an authority's page
// to the comparison with its ten neighbours, a link anyone can share; the other model chosen on
// the page; and axe on each at desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, axe } from './helpers.mjs';

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

async function noSeriousProblems(page, name, javaScriptEnabled = true) {
  // axe runs in the page, so only where the page runs scripts; the markup is the same.
  if (!javaScriptEnabled) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const serious = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${name} at ${width}px: ${JSON.stringify(serious, null, 2)}`);
  }
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  test(`Kent is compared with its statistical neighbours (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(server.url + '/authorities/E10000016');
    const main = page.locator('main');
    assert.match(await main.innerText(), /The ten authorities most like Kent in the Department for Education's 2025 model/);
    const list = page.locator('table', { hasText: 'Statistical neighbours of Kent, 2025 model' });
    assert.match(await list.locator('tbody tr').first().innerText(), /1\s+Essex\s+Very close/);
    assert.equal(await list.locator('tbody tr').count(), 10);
    // Each headline figure carries the neighbours' median and Kent's rank among them.
    assert.match(await page.locator('.sw-cards').innerText(), /Statistical neighbours' median 14\.2% \(2025 model\); 5th highest of 11 with its neighbours/);
    await noSeriousProblems(page, 'authority page', javaScriptEnabled);

    // The other model, chosen on the page.
    await page.getByLabel('Neighbour model').selectOption('2021');
    await page.getByRole('button', { name: 'Show' }).click();
    assert.match(page.url(), /neighbours=2021/);
    assert.match(await main.innerText(), /Department for Education's 2021 model/);
    assert.match(await main.innerText(), /Statistical neighbours \(median, 2021 model\)/);

    // The comparison, whose address is the link to share.
    await page.goto(server.url + '/authorities/E10000016');
    await page.getByRole('link', { name: 'Compare Kent with its statistical neighbours' }).click();
    const shared = page.url();
    assert.match(shared, /\/compare\?neighbours=E10000016&model=2025$/);
    assert.equal(await page.locator('h1').innerText(), 'Kent and its statistical neighbours');
    const rows = page.locator('table', { hasText: 'Statistical neighbours of Kent, 2025 model' }).locator('tbody tr');
    assert.equal(await rows.count(), 10);
    assert.match(await rows.nth(3).innerText(), /4\s+Bexley\s+Very close/);
    const turnover = page.locator('#turnover-rate-fte');
    assert.match(await turnover.locator('svg title').first().textContent(), /Kent, Statistical neighbours \(median, 2025 model\)/);
    assert.match(await turnover.locator('table thead').innerText(), /Essex[\s\S]*Somerset[\s\S]*Statistical neighbours \(median, 2025 model\)/);
    await noSeriousProblems(page, 'neighbour comparison', javaScriptEnabled);

    // Someone else opening the shared link sees the same comparison.
    const other = await browser.newContext({ javaScriptEnabled });
    const visitor = await other.newPage();
    await visitor.goto(shared);
    assert.equal(await visitor.locator('h1').innerText(), 'Kent and its statistical neighbours');
    await other.close();

    // From the compare page, any authority.
    await page.goto(server.url + '/compare');
    await page.getByLabel('Local authority', { exact: true }).selectOption({ label: 'Camden' });
    await page.getByRole('button', { name: 'Compare with statistical neighbours' }).click();
    assert.equal(await page.locator('h1').innerText(), 'Camden and its statistical neighbours');
    await context.close();
  });
}

test('the projection offers turnover and agency rate at the neighbours\' median as starting values', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + '/projections/E10000016?runs=100&years=5');
  const retain = page.locator('#retain');
  const text = await retain.innerText();
  assert.match(text, /Kent's turnover \(FTE\) was 15\.9% in 2022; the median of its 10 statistical neighbours with a figure \(2025 model\) was 14\.2%/);
  const offered = text.match(/a cut of (\d+\.\d)%/)[1];
  await retain.getByRole('link', { name: "Start from turnover at the neighbours' median" }).click();
  assert.equal(await page.locator('#retain_cut').inputValue(), offered);
  assert.match(page.url(), /#retain$/);
  await noSeriousProblems(page, 'projection with a suggestion');
  await context.close();
});
