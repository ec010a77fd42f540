// Time for social work in a real browser: a social worker keeps a week's diary, fills one from
// a calendar export, and is told beside the field what is wrong; an organisation admin sees no
// figures for one person and renames a category; a visitor reads England's figures, made of
// synthetic diaries only once the operator adds them, and labelled so. Without JavaScript, on
// SQLite and on PostgreSQL.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, signIn } from './helpers.mjs';

const PASSWORD = 'river-kettle-orange';
const WORKER = { name: 'Sam Social', email: 'sam@time.test' };
const LEADER = { name: 'Olu Admin', email: 'olu@time.test' };

/** An iCalendar UTC time, `days` after a week's Monday (YYYY-MM-DD) at `hhmm`. */
function at(monday, days, hhmm) {
  const d = new Date(`${monday}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.toISOString().slice(0, 10).replaceAll('-', '')}T${hhmm}00Z`;
}

/** A calendar with a two-hour home visit and a meeting the worker declined, in `monday`'s week. */
function calendar(monday) {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//swforce e2e//EN',
    'BEGIN:VEVENT',
    'UID:visit@e2e.test',
    `DTSTAMP:${at(monday, 0, '0800')}`,
    `DTSTART:${at(monday, 1, '1000')}`,
    `DTEND:${at(monday, 1, '1200')}`,
    'SUMMARY:Home visit',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:meeting@e2e.test',
    `DTSTAMP:${at(monday, 0, '0800')}`,
    `DTSTART:${at(monday, 2, '1400')}`,
    `DTEND:${at(monday, 2, '1530')}`,
    'SUMMARY:Team meeting',
    'ORGANIZER:mailto:boss@time.test',
    `ATTENDEE;PARTSTAT=DECLINED:mailto:${WORKER.email}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

for (const postgres of [false, true]) describe(postgres ? 'on PostgreSQL' : 'on SQLite', () => {
  let server;
  let browser;
  let files;
  const links = {};

  before(async () => {
    server = await startServer({ postgres });
    browser = await launchBrowser();
    files = mkdtempSync(join(tmpdir(), 'swforce-e2e-time-'));
    const admin = await browser.newPage();
    await signIn(admin, server.url);
    await admin.goto(server.url + '/admin');
    await admin.getByLabel('Name', { exact: true }).fill('Tamar Council');
    await admin.getByLabel('Local authority', { exact: true }).check();
    await admin.getByLabel(/^Local authority \(local authorities/).fill('Kent');
    await admin.getByRole('button', { name: 'Add organisation' }).click();
    assert.equal(await admin.locator('h1').innerText(), 'Tamar Council');
    for (const [person, role] of [[WORKER, 'Social worker'], [LEADER, 'Organisation admin']]) {
      await admin.getByLabel('Full name').fill(person.name);
      await admin.getByLabel('Email address').fill(person.email);
      await admin.getByLabel(role, { exact: true }).check();
      await admin.getByRole('button', { name: 'Send invitation' }).click();
      links[person.email] = (await admin.locator('.sw-inset-text code').innerText()).trim();
    }
    // A second council, which the operator later fills with invented diaries.
    await admin.goto(server.url + '/admin');
    await admin.getByLabel('Name', { exact: true }).fill('Medway Council');
    await admin.getByLabel('Local authority', { exact: true }).check();
    await admin.getByLabel(/^Local authority \(local authorities/).fill('Medway');
    await admin.getByRole('button', { name: 'Add organisation' }).click();
    assert.equal(await admin.locator('h1').innerText(), 'Medway Council');
    await admin.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  /** Accepts an invitation in a new browser context without JavaScript; returns the signed-in page. */
  async function accept(email) {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(links[email]);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Type the new password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    assert.equal(await page.locator('h1').innerText(), 'Your account');
    return page;
  }

  /** Chooses a week from the diary's week list: 0 is this week, 1 last week. */
  async function showWeek(page, index) {
    await page.getByLabel('Week', { exact: true }).selectOption({ index });
    await page.getByRole('button', { name: 'Show this week' }).click();
    return page.locator('input[type="hidden"][name="week"]').inputValue();
  }

  const box = (page, label) => page.getByLabel(label, { exact: true });
  let worker;

  test('a social worker saves last week, finds this week filled in from it and is told beside the box what is wrong (without JavaScript)', async () => {
    worker = await accept(WORKER.email);
    await worker.goto(server.url + '/time');
    await worker.getByRole('link', { name: 'Fill in your diary for this week' }).click();
    assert.equal(await worker.locator('h1').innerText(), 'Your time this week');
    const lastWeek = await showWeek(worker, 1);
    assert.match(await worker.locator('h1').innerText(), /^Your time, week of /);
    await box(worker, 'Direct work face to face').fill('12');
    await box(worker, 'Case recording and notes').fill('15.5');
    await box(worker, 'Meetings and conferences (multi-agency, court)').fill('6:30');
    await worker.getByLabel('Your contracted hours this week').fill('37');
    await worker.getByLabel('Forms', { exact: true }).check();
    await worker.getByRole('button', { name: 'Save this week' }).click();
    assert.equal(new URL(worker.url()).search, `?week=${lastWeek}&saved=1`);
    const banner = await worker.locator('.sw-notification-banner--success').innerText();
    assert.match(banner, /Your week of .* is saved/);
    assert.match(banner, /34\.0 hours recorded/);
    assert.ok(await worker.getByLabel('Forms', { exact: true }).isChecked(), 'what got in the way is kept with the week');

    // This week is not saved yet: its boxes start from last week's hours, but not its obstacles.
    const thisWeek = await showWeek(worker, 0);
    assert.notEqual(thisWeek, lastWeek);
    assert.match(await worker.locator('main').innerText(), /The hours are filled in from your week of /);
    assert.equal(await box(worker, 'Direct work face to face').inputValue(), '12');
    assert.equal(await box(worker, 'Case recording and notes').inputValue(), '15.5');
    assert.equal(await box(worker, 'Meetings and conferences (multi-agency, court)').inputValue(), '6.5');
    assert.equal(await worker.getByLabel('Your contracted hours this week').inputValue(), '37');
    assert.equal(await worker.getByLabel('Forms', { exact: true }).isChecked(), false);

    // A negative number: the summary links to the box, the message sits beside it, nothing is kept.
    await box(worker, 'Direct work face to face').fill('-3');
    const [refused] = await Promise.all([
      worker.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/time/diary'),
      worker.getByRole('button', { name: 'Save this week' }).click(),
    ]);
    assert.equal(refused.status(), 422);
    assert.equal(await worker.locator('.sw-error-summary__title').innerText(), 'There is a problem');
    const link = worker.locator('.sw-error-summary__list a');
    assert.equal(await link.count(), 1);
    assert.match(await link.innerText(), /Direct work face to face: hours cannot be negative/);
    const target = (await link.getAttribute('href')).slice(1);
    assert.match(target, /^hours-[0-9a-f]{16}$/, "a box is named by its category's opaque id");
    assert.equal(await worker.locator(`#${target}`).inputValue(), '-3', 'what was typed stays in the box');
    assert.equal(await box(worker, 'Direct work face to face').getAttribute('id'), target, 'the link leads to the box');
    assert.match(await worker.locator(`#${target}-error`).innerText(), /hours cannot be negative/);
    assert.match(await box(worker, 'Direct work face to face').getAttribute('aria-describedby'), new RegExp(`${target}-error`));
    await worker.goto(`${server.url}/time/diary?week=${thisWeek}`);
    assert.match(await worker.locator('main').innerText(), /The hours are filled in from your week of /, 'this week is still not saved');
    await worker.goto(`${server.url}/time/diary?week=${lastWeek}`);
    assert.equal(await box(worker, 'Direct work face to face').inputValue(), '12', 'the saved week is unchanged');
    assert.equal(await box(worker, 'Meetings and conferences (multi-agency, court)').inputValue(), '6.5');
  });

  test('a calendar export becomes suggested hours, and a file that is not one is refused beside the file box (without JavaScript)', async () => {
    await worker.goto(server.url + '/time/diary');
    const monday = await worker.locator('input[type="hidden"][name="week"]').inputValue();
    const ics = join(files, 'calendar.ics');
    writeFileSync(ics, calendar(monday));
    await worker.getByLabel('Calendar file (.ics)').setInputFiles(ics);
    await worker.getByRole('button', { name: 'Suggest hours from my calendar' }).click();
    const said = await worker.locator('#suggested').innerText();
    assert.match(said, /Suggested from your calendar\./);
    assert.match(said, /1 event in your calendar for this week became the hours below\. 1 (was|were) left out \(declined/);
    assert.equal(await box(worker, 'Direct work face to face').inputValue(), '2');
    assert.equal(await box(worker, 'Meetings and conferences (multi-agency, court)').inputValue(), '', 'the declined meeting counts nothing');
    assert.equal(await worker.getByLabel('Your contracted hours this week').inputValue(), '37');
    await worker.goto(`${server.url}/time/diary?week=${monday}`);
    assert.equal(await box(worker, 'Direct work face to face').inputValue(), '12', 'a suggestion is not saved');

    const text = join(files, 'shopping.txt');
    writeFileSync(text, 'Milk\nBread\n');
    await worker.getByLabel('Calendar file (.ics)').setInputFiles(text);
    const [refused] = await Promise.all([
      worker.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/time/diary/calendar'),
      worker.getByRole('button', { name: 'Suggest hours from my calendar' }).click(),
    ]);
    assert.equal(refused.status(), 422);
    const group = worker.locator('.sw-form-group--error', { has: worker.locator('#calendar') });
    assert.match(await group.locator('.sw-error-message').innerText(), /not a calendar file/);
    const describedBy = (await worker.locator('#calendar').getAttribute('aria-describedby')) ?? '';
    const description = await Promise.all(describedBy.split(/\s+/).filter(Boolean).map((id) => worker.locator(`#${id}`).innerText()));
    assert.match(description.join(' '), /not a calendar file/, 'a screen reader hears the error on the file box');
    assert.equal(await worker.locator('.sw-error-summary__list a').first().getAttribute('href'), '#calendar');
    assert.equal(await worker.locator('#suggested').count(), 0);
  });

  test('an organisation admin sees no figures for one diary and renames a category the social worker then sees (without JavaScript)', async () => {
    const leader = await accept(LEADER.email);
    await leader.goto(server.url + '/time');
    await leader.getByRole('link', { name: 'Your organisation and its teams' }).click();
    assert.equal(await leader.locator('h1').innerText(), 'Time for social work: Tamar Council');
    assert.match(await leader.locator('#not-enough').innerText(), /Not enough responses/);
    assert.equal(await leader.locator('.sw-card__value').count(), 0, 'no figure for a single person');

    await leader.goto(server.url + '/time');
    await leader.getByRole('link', { name: 'Diary categories and sharing' }).click();
    assert.equal(await leader.locator('h1').innerText(), 'Time diary settings');
    // Every category's form lists the kinds of work, so the category is found by its summary.
    const category = leader.locator('details', { has: leader.locator('summary', { hasText: 'Case recording and notes' }) });
    await category.locator('summary').click();
    // A name left empty: the form comes back with the category open and the message beside it.
    await category.getByLabel('Name', { exact: true }).fill('');
    await category.getByRole('button', { name: /^Save/ }).click();
    assert.match(await leader.locator('.sw-error-summary__list').innerText(), /Enter a name for the category/);
    assert.ok(await category.getByText('Enter a name for the category').isVisible(), 'the message is shown beside the name');
    await category.getByLabel('Name', { exact: true }).fill('Recording on the case system');
    await category.getByRole('button', { name: /^Save/ }).click();
    assert.match(await leader.locator('.sw-notification-banner--success').innerText(), /Category “Recording on the case system” saved/);
    await leader.context().close();

    await worker.goto(server.url + '/time/diary');
    assert.equal(await box(worker, 'Recording on the case system').inputValue(), '15.5', 'the hours stay with the renamed category');
    assert.equal(await worker.getByLabel('Case recording and notes', { exact: true }).count(), 0);
    await worker.context().close();
  });

  test("a visitor reads England's share of direct work and what got in the way, from synthetic diaries the operator added and labelled so (without JavaScript)", async () => {
    const visitor = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await visitor.newPage();
    // No invented people count towards England unless the operator says so.
    await page.goto(server.url + '/time');
    assert.doesNotMatch(await page.locator('main').innerText(), /synthetic/);
    const made = server.cli(['diary', 'generate', '--org', 'E06000035', '--people', '60', '--weeks', '26', '--seed', '5', '--opt-in']);
    assert.equal(made.status, 0, made.stderr);
    await page.goto(server.url + '/time');
    assert.match(await page.locator('main').innerText(), /Medway Council \(synthetic: invented diaries\)/);
    await page.getByRole('link', { name: "See England's figures" }).click();
    assert.equal(await page.locator('h1').innerText(), 'Time for social work: England');
    assert.match(await page.locator('.sw-warning-text').innerText(), /Synthetic: these figures are made from invented people's diaries/);
    const share = await page.locator('.sw-card__value').first().innerText();
    assert.match(share, /^\d{1,2}%$/);
    assert.equal(await page.locator('#not-enough').count(), 0);
    const obstacles = await page.locator('table', { has: page.locator('caption', { hasText: 'What got in the way' }) }).innerText();
    assert.match(obstacles, /Recording the same thing twice\s+\d+\s+\d+%/);
    assert.match(obstacles, /Waiting for sign-off/);
    const csv = await (await page.request.get(server.url + '/time/england/download.csv')).text();
    assert.match(csv.split('\n')[0], /^group,from,to,item,relationship_based,hours_per_person_week,share,contributors/);
    assert.match(csv, /"all direct, relationship-based work",yes,,0\.\d\d,\d+/);
    assert.match(csv, /^England \(synthetic: invented diaries\),/m);
    await visitor.close();
  });
});
