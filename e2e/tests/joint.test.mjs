// A jointly reported unit: imported through the page, found by a member's name, its page and a
// member's page free of accessibility problems, at desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, axe, fixture, signIn } from './helpers.mjs';

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

test('a release that reports two councils jointly is imported, found and read', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, server.url);
  await page.goto(server.url + '/imports');
  await page.setInputFiles('#file', fixture('csww_headline_2017_to_2025_joint.csv'));
  await page.getByRole('button', { name: 'Import' }).click();
  assert.match(await page.locator('.sw-notification-banner--success').innerText(), /csww_headline_2017_to_2025_joint\.csv/);

  // A member's name finds the unit.
  await page.goto(server.url + '/search?q=West+Northamptonshire');
  await page.getByRole('link', { name: 'North Northamptonshire / West Northamptonshire' }).first().click();
  assert.equal(new URL(page.url()).pathname, '/authorities/E06000061-E06000062');
  assert.equal(await page.locator('h1').innerText(), 'North Northamptonshire / West Northamptonshire');
  assert.match(await page.locator('main').innerText(), /reported as one unit, counted once/);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const serious = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `unit page at ${width}px: ${JSON.stringify(serious, null, 2)}`);
  }

  // The unit's page links each member, whose page says it is reported jointly.
  await page.getByRole('link', { name: 'Richmond upon Thames' }).count().then((n) => assert.equal(n, 0));
  await page.getByRole('main').getByRole('link', { name: 'West Northamptonshire', exact: true }).click();
  assert.equal(new URL(page.url()).pathname, '/authorities/E06000062');
  assert.match(await page.locator('main').innerText(), /reports their social work workforce jointly/);
  const serious = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));

  // The region lists the unit once and not its members.
  await page.goto(server.url + '/regions/E12000004');
  assert.equal(await page.locator('main a[href="/authorities/E06000061-E06000062"]').count(), 1);
  assert.equal(await page.locator('main a[href="/authorities/E06000062"]').count(), 0);
  await context.close();
});
