// 80:20 in practice in a real browser: a newcomer shares an example as a guest and confirms it
// by email, a moderator publishes it, and a guest finds it by a word from its body and by a
// filter (without JavaScript), on SQLite and on PostgreSQL; axe on every exchange page.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, axe, signIn } from './helpers.mjs';

for (const postgres of [false, true]) describe(postgres ? 'on PostgreSQL' : 'on SQLite', () => {
  let server;
  let browser;
  let moderatorLink;

  before(async () => {
    server = await startServer({ postgres });
    browser = await launchBrowser();
    const admin = await browser.newPage();
    await signIn(admin, server.url);
    await admin.goto(server.url + '/admin');
    await admin.getByLabel('Name', { exact: true }).fill('80:20 campaign');
    await admin.getByLabel('Campaign', { exact: true }).check();
    await admin.getByRole('button', { name: 'Add organisation' }).click();
    await admin.getByLabel('Full name').fill('Mo Moderator');
    await admin.getByLabel('Email address').fill('mo@campaign.test');
    await admin.getByLabel('Moderator', { exact: true }).check();
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    moderatorLink = (await admin.locator('.sw-inset-text code').innerText()).trim();
    await admin.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  function mail(subject) {
    const dir = join(server.dataDir, 'outbox');
    const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).find((m) => m.includes(subject));
    assert.ok(text, `an email about ${subject}`);
    return text;
  }

  function linkIn(text, marker) {
    const line = text.split('\n').find((l) => l.includes(marker)).trim();
    return line.slice(line.indexOf('http'));
  }

  async function noSeriousProblems(page, name) {
    const violations = await axe(page);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
  }

  test('a guest shares an example, a moderator publishes it and a guest finds it (without JavaScript)', async () => {
    const guest = await browser.newContext({ javaScriptEnabled: false });
    const g = await guest.newPage();
    await g.goto(server.url + '/');
    await g.getByRole('link', { name: '80:20 in practice' }).click();
    await g.getByRole('link', { name: 'Share an example' }).first().click();
    await g.getByLabel('Title').fill('A duty desk freed the team for visits');
    await g.getByLabel('What the problem was').fill('Everyone answered the phones, so visits slipped.');
    await g.getByLabel('What changed, and how').fill('One worker took the **duty desk** each day; the others kept their visits with families.');
    await g.getByLabel('Adults', { exact: true }).check();
    await g.getByLabel('Region (optional)').selectOption({ label: 'North West' });
    await g.getByLabel('Protected time for direct work').check();
    await g.getByLabel('Hours a week saved for each social worker (optional)').fill('3');
    await g.getByLabel('Your name').fill('Gita Guest');
    await g.getByLabel('Your email address').fill('not an email');
    await g.getByRole('button', { name: 'Send for moderation' }).click();
    assert.match(await g.locator('.sw-error-summary').innerText(), /Enter your email address/);
    assert.equal(await g.getByLabel('Title').inputValue(), 'A duty desk freed the team for visits', 'what was typed stays');
    await g.getByLabel('Your email address').fill('gita@example.org');
    await g.getByRole('button', { name: 'Send for moderation' }).click();
    assert.match(await g.locator('h1').innerText(), /Check your email/);
    await g.goto(linkIn(mail('Confirm your example'), '/exchange/confirm/'));
    assert.match(await g.locator('h1').innerText(), /Example sent to the moderators/);

    const mod = await browser.newContext({ javaScriptEnabled: false });
    const m = await mod.newPage();
    await m.goto(moderatorLink);
    await m.getByLabel('New password', { exact: true }).fill('river-kettle-orange');
    await m.getByLabel('Type the new password again').fill('river-kettle-orange');
    await m.getByRole('button', { name: 'Set password and sign in' }).click();
    await m.goto(server.url + '/exchange');
    await m.getByRole('link', { name: 'Moderation' }).click();
    await m.getByRole('link', { name: 'A duty desk freed the team for visits' }).click();
    assert.match(await m.locator('main').innerText(), /Gita Guest \(gita@example.org\)/);
    await m.getByLabel('Publish it', { exact: true }).check();
    await m.getByRole('button', { name: 'Record the decision' }).click();
    assert.match(await m.locator('.sw-notification-banner').innerText(), /published/);

    // A guest finds it by a word of its body, then by a filter.
    await g.goto(server.url + '/exchange');
    await g.getByLabel('Search examples').fill('visits');
    await g.getByRole('button', { name: 'Search' }).last().click();
    assert.match(await g.locator('#results').innerText(), /1 example/);
    await g.goto(server.url + '/exchange');
    await g.getByLabel('Setting').selectOption({ label: 'Adults' });
    await g.getByLabel('Only examples with a measured impact').check();
    await g.getByRole('button', { name: 'Search' }).last().click();
    await g.getByRole('link', { name: 'A duty desk freed the team for visits' }).click();
    assert.match(await g.locator('main').innerText(), /3 hours a week saved/);
    assert.doesNotMatch(await g.locator('main').innerText(), /gita@example.org/);
    await g.getByRole('button', { name: /This helped me/ }).click();
    assert.match(await g.locator('.sw-notification-banner').innerText(), /Thank you for saying it helped/);
    await guest.close();
    await mod.close();
  });

  test('axe finds no serious or critical problem on the exchange pages', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const path of ['/exchange', '/exchange?q=visits', '/exchange/new', '/get-involved', '/resources', '/resources/top-tips']) {
      await page.goto(server.url + path);
      await noSeriousProblems(page, path);
    }
    await page.goto(server.url + '/exchange/new');
    await page.getByRole('button', { name: 'Send for moderation' }).click();
    await noSeriousProblems(page, 'form with errors');
    await page.goto(server.url + '/exchange');
    await page.getByRole('link', { name: 'A duty desk freed the team for visits' }).click();
    await noSeriousProblems(page, 'an example');
    await signIn(page, server.url, 'mo@campaign.test', 'river-kettle-orange');
    for (const path of ['/exchange/moderation', '/exchange/mine', '/get-involved/manage', '/resources/edit?slug=top-tips']) {
      await page.goto(server.url + path);
      await noSeriousProblems(page, path);
    }
    await context.close();
  });
});
