// Starts swforce on a loopback port with a fresh data folder, and a headless Chromium.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The swforce binary: SWFORCE_BIN, or the debug build. */
export function binary() {
  return process.env.SWFORCE_BIN || join(repo, 'target', 'debug', 'swforce');
}

export function censusFixture(name) {
  return join(repo, 'fuzz', 'seeds', 'census_xml', name);
}

export function fixture(name) {
  return join(repo, 'crates', 'swforce-import', 'tests', 'fixtures', name);
}

/** The site admin every test server starts with. */
export const ADMIN = { email: 'admin@swforce.test', password: 'kettle-river-orange', name: 'Ada Admin' };

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWFORCE_') || k === 'SWFORCE_BIN'));

/** The PostgreSQL server the tests may use (the machine's local one unless set). */
const POSTGRES = process.env.SWFORCE_TEST_POSTGRES || 'postgres://postgres@127.0.0.1:5432';

/** Makes a fresh PostgreSQL database and returns its URL and a function that drops it. */
function freshDatabase() {
  const name = `swforce_e2e_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const r = spawnSync('psql', [`${POSTGRES}/postgres`, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PostgreSQL is not reachable at ${POSTGRES} (psql: ${r.stderr || r.error}); the browser tests run on it too`);
  return {
    url: `${POSTGRES}/${name}`,
    drop: () => spawnSync('psql', [`${POSTGRES}/postgres`, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

/** Runs `swforce admin create --password-stdin` on a data folder. */
function makeAdmin(dataDir, database = []) {
  const r = spawnSync(binary(), ['admin', 'create', '--data-dir', dataDir, ...database, '--log', 'warn', '--email', ADMIN.email, '--name', ADMIN.name, '--password-stdin'], {
    input: ADMIN.password + '\n',
    env: cleanEnv(),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`swforce admin create failed: ${r.stderr}`);
}

/**
 * Starts `swforce serve` on 127.0.0.1:0 with a site admin ([ADMIN]) and resolves with its base
 * URL once it listens. `dataDir` is where its outbox of emails is.
 */
export async function startServer({ postgres = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'swforce-e2e-'));
  const db = postgres ? freshDatabase() : null;
  const database = db ? ['--database-url', db.url] : [];
  makeAdmin(dataDir, database);
  // The tests' OpenID Connect provider is plain http on 127.0.0.1, which swforce uses only when told to.
  const child = spawn(binary(), ['serve', '--data-dir', dataDir, ...database, '--addr', '127.0.0.1:0', '--log', 'info', '--allow-insecure-sso-for-testing'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: cleanEnv(),
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`swforce did not start within 60 s:\n${log}`)), 60000);
    child.stderr.on('data', (chunk) => {
      log += chunk.toString();
      const m = log.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`swforce exited with ${code}:\n${log}`)); });
  });
  return {
    url,
    dataDir,
    /** Runs a command of the same binary on the server's store; returns its result. */
    cli(args) {
      // The store's settings as environment variables, which every command reads wherever
      // its own options go.
      const store = { SWFORCE_DATA_DIR: dataDir, SWFORCE_LOG: 'warn', ...(db ? { SWFORCE_DATABASE_URL: db.url } : {}) };
      return spawnSync(binary(), args, { encoding: 'utf8', env: { ...cleanEnv(), ...store } });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A headless Chromium, launched the way this machine allows (no network, no sandbox). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs axe-core on the page (WCAG 2.0-2.2 A and AA, and best practice). */
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

/** Signs in through the sign-in form (as the site admin unless told otherwise). */
export async function signIn(page, url, email = ADMIN.email, password = ADMIN.password) {
  await page.goto(url + '/sign-in');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}
