// A real OpenID Connect provider (the `oidc-provider` package) started on 127.0.0.1 for tests.
//
//   const op = await startProvider({
//     clientId: 'swforce', clientSecret: 's3cret', redirectUri: 'http://127.0.0.1:PORT/auth/oidc/callback',
//     accounts: { 'sam@council.test': { email: 'sam@council.test', email_verified: true, name: 'Sam' } },
//   });
//   op.issuer  // 'http://127.0.0.1:NNNNN' — discovery at `${op.issuer}/.well-known/openid-configuration`
//   await op.stop();
//
// What it is: one confidential client (client_secret_basic, authorization_code, response_type
// code, PKCE S256 required), scopes openid/email/profile, email and email_verified (and profile
// claims such as name) put into the ID token itself, one freshly generated RS256 key in the JWKS,
// all state in memory of this one instance.
//
// What a browser test does on the provider's pages (there is no consent page):
//   1. The relying party redirects to `${issuer}/auth?...`; the provider answers with a redirect to
//      `${issuer}/interaction/<uid>`, a page titled "Sign-in" with heading "Sign-in".
//   2. Fill the text field labelled "Login" (input name="login", prefilled from login_hint if the
//      relying party sent one) with a key of `accounts`, and the field labelled "Password"
//      (input name="password"; any value is accepted, it is never checked).
//   3. Click the button "Sign-in" (or press Enter in a field).
//      - Known login: the browser is redirected (303s) through `${issuer}/auth/<uid>` straight to
//        redirectUri?code=...&state=...&iss=... — all requested scopes are granted automatically.
//      - Unknown login: the same form comes back (HTTP 200) with an alert
//        (role="alert") "Unknown login: <login>."; nothing is redirected.
//   The button "Cancel" ends the request with redirectUri?error=access_denied&state=...
//   After a sign-in the provider keeps a session cookie: a second /auth in the same browser context
//   goes straight back to redirectUri with no form. Use a new context (or prompt=login) to see it again.
//
// Quiet unless DEBUG_OIDC is set in the environment (then provider events are logged to stderr).
// Unexpected internal errors (HTTP 5xx) are always printed to stderr.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const DEBUG = !!process.env.DEBUG_OIDC;
const debug = (...args) => { if (DEBUG) console.error('[oidc]', ...args); };

const PROFILE_CLAIMS = [
  'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username',
  'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
];

const html = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title></head>
<body><main>
${body}
</main></body>
</html>`;
}

function loginPage(uid, { login = '', error } = {}) {
  return page('Sign-in', `<h1>Sign-in</h1>
${error ? `<p role="alert" id="login-error">${html(error)}</p>\n` : ''}<form method="post" action="/interaction/${html(uid)}/login">
  <p><label for="login">Login</label>
  <input id="login" name="login" type="text" autocomplete="username" value="${html(login)}" autofocus></p>
  <p><label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password"></p>
  <p><button type="submit">Sign-in</button>
  <button type="submit" formaction="/interaction/${html(uid)}/abort" formnovalidate>Cancel</button></p>
</form>`);
}

/** Minimal in-memory storage for one provider instance (so instances never share state). */
function memoryAdapterFactory() {
  const store = new Map();
  const now = () => Math.floor(Date.now() / 1000);
  const get = (key) => {
    const e = store.get(key);
    if (!e) return undefined;
    if (e.exp && e.exp <= now()) { store.delete(key); return undefined; }
    return e.value;
  };
  const set = (key, value, expiresIn) => store.set(key, { value, exp: expiresIn ? now() + expiresIn : 0 });
  return (model) => ({
    async upsert(id, payload, expiresIn) {
      set(`${model}:${id}`, payload, expiresIn);
      if (model === 'Session') set(`sessionUid:${payload.uid}`, id, expiresIn);
      if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
      if (payload.grantId) {
        const members = get(`grant:${payload.grantId}`) ?? [];
        members.push(`${model}:${id}`);
        set(`grant:${payload.grantId}`, members, 0);
      }
    },
    async find(id) { return get(`${model}:${id}`); },
    async findByUid(uid) { const id = get(`sessionUid:${uid}`); return id ? get(`${model}:${id}`) : undefined; },
    async findByUserCode(code) { const id = get(`userCode:${code}`); return id ? get(`${model}:${id}`) : undefined; },
    async consume(id) { const p = get(`${model}:${id}`); if (p) p.consumed = now(); },
    async destroy(id) { store.delete(`${model}:${id}`); },
    async revokeByGrantId(grantId) {
      for (const key of get(`grant:${grantId}`) ?? []) store.delete(key);
      store.delete(`grant:${grantId}`);
    },
  });
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 64 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/** Grants everything the interaction still misses (used when consent is asked for). */
async function grantAll(provider, details) {
  const { prompt: { details: missing }, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

/**
 * Starts the provider. Resolves with `{ issuer, stop }`; `stop()` closes the server and every
 * open connection.
 */
export async function startProvider({ clientId, clientSecret, redirectUri, accounts = {} }) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };

  const cookieOpts = { httpOnly: true, sameSite: 'lax', secure: false };
  const plainError = async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<h1>Sign-in error</h1>\n${Object.entries(out)
      .map(([k, v]) => `<p><strong>${html(k)}</strong>: ${html(v)}</p>`).join('\n')}`);
  };
  const ttl = (seconds) => () => seconds;

  const provider = new Provider(issuer, {
    adapter: memoryAdapterFactory(),
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: PROFILE_CLAIMS,
    },
    conformIdTokenClaims: false, // scope claims go into the ID token, not only into userinfo
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      long: cookieOpts,
      short: cookieOpts,
    },
    features: {
      devInteractions: { enabled: false }, // own pages below
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign-out', `<h1>Sign-out</h1>\n${form}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></p>`);
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = page('Signed out', '<h1>Signed out</h1>'); },
      },
    },
    renderError: plainError,
    findAccount: async (_ctx, sub) => {
      if (!Object.hasOwn(accounts, sub)) return undefined;
      return {
        accountId: sub,
        // The provider filters these by the granted scopes.
        async claims() { return { ...accounts[sub], sub }; },
      };
    },
    ttl: {
      AccessToken: ttl(3600),
      AuthorizationCode: ttl(60),
      IdToken: ttl(3600),
      Interaction: ttl(3600),
      Session: ttl(3600),
      Grant: ttl(3600),
      RefreshToken: ttl(3600),
      ClientCredentials: ttl(600),
      DeviceCode: ttl(600),
      BackchannelAuthenticationRequest: ttl(600),
    },
    clientBasedCORS: () => false,
  });
  provider.proxy = false;

  // Koa prints every error of an app without an 'error' listener; print only real failures.
  provider.on('error', (err, ctx) => {
    if (DEBUG || !(err.status < 500)) console.error('[oidc] error', ctx?.method, ctx?.path, err);
  });
  if (DEBUG) {
    for (const ev of ['authorization.error', 'grant.error', 'server_error', 'end_session.error', 'userinfo.error']) {
      provider.on(ev, (_ctx, err) => debug(ev, err?.message, err?.error_description ?? ''));
    }
    provider.on('interaction.started', (_ctx, prompt) => debug('interaction.started', prompt.name, prompt.reasons));
    provider.on('grant.success', () => debug('grant.success'));
  }

  // The interaction pages: GET /interaction/:uid, POST /interaction/:uid/login, POST /interaction/:uid/abort.
  provider.use(async (ctx, next) => {
    const m = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (!m) return next();
    const [, uid, action] = m;
    const { req, res } = ctx;
    ctx.set('Cache-Control', 'no-store');
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      const prompt = details.prompt.name;
      debug('interaction', ctx.method, action ?? '', prompt);

      if (ctx.method === 'GET' && !action) {
        if (prompt === 'consent') {
          // No consent page: grant what is asked for and go on.
          const grantId = await grantAll(provider, details);
          ctx.respond = false;
          return await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        }
        ctx.type = 'html';
        ctx.body = loginPage(uid, { login: details.params.login_hint ?? '' });
        return undefined;
      }

      if (ctx.method === 'POST' && action === 'abort') {
        ctx.respond = false;
        return await provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'End-User aborted interaction',
        }, { mergeWithLastSubmission: false });
      }

      if (ctx.method === 'POST' && action === 'login') {
        const form = await readForm(req);
        const login = (form.get('login') ?? '').trim();
        if (prompt !== 'login') {
          ctx.status = 400;
          ctx.type = 'html';
          ctx.body = page('Sign-in error', '<h1>Sign-in error</h1><p>This sign-in step is not expected now.</p>');
          return undefined;
        }
        if (!Object.hasOwn(accounts, login)) {
          ctx.type = 'html';
          ctx.body = loginPage(uid, { login, error: `Unknown login: ${login}.` });
          return undefined;
        }
        // Log in and grant every requested scope at once, so no consent prompt follows.
        const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const grantId = await grant.save();
        ctx.respond = false;
        return await provider.interactionFinished(req, res, {
          login: { accountId: login },
          consent: { grantId },
        }, { mergeWithLastSubmission: false });
      }

      ctx.status = 405;
      ctx.body = 'method not allowed';
      return undefined;
    } catch (err) {
      debug('interaction failed', err);
      if (ctx.respond === false && res.headersSent) return undefined;
      ctx.respond = true;
      ctx.status = err.name === 'SessionNotFound' ? 400 : 500;
      if (ctx.status === 500) console.error('[oidc] interaction error', err);
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p>${html(err.message)}</p>`);
      return undefined;
    }
  });

  server.on('request', provider.callback());

  let stopped;
  const stop = () => {
    stopped ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  return { issuer, stop };
}
