// Proves oidc/provider.mjs works end to end, playing the relying party with fetch (no browser):
// discovery, authorization code flow with PKCE S256, the login form, the token endpoint with
// client_secret_basic, and the ID token's claims and RS256 signature checked against the JWKS.
// Also checks an unknown login gets the form back and an unverified email is carried truthfully.
//
//   cd e2e && node oidc/smoke.mjs     # prints OK, or the failure and exits 1
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { startProvider } from './provider.mjs';

const CLIENT_ID = 'swforce-smoke';
const CLIENT_SECRET = 'smoke-secret-' + randomBytes(8).toString('hex');
const REDIRECT_URI = 'http://127.0.0.1:9/cb'; // never contacted: the flow stops at its Location
const ACCOUNTS = {
  'sam@council.test': { email: 'sam@council.test', email_verified: true, name: 'Sam' },
  'una@council.test': { email: 'una@council.test', email_verified: false, name: 'Una' },
};

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** A cookie jar keyed by name (paths ignored: one host, one flow). */
class Jar {
  #c = new Map();
  take(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.#c.delete(name); else this.#c.set(name, value);
    }
  }
  header() { return [...this.#c].map(([k, v]) => `${k}=${v}`).join('; '); }
}

async function get(url, jar) {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(res);
  return res;
}

/** Runs one authorization code flow for `login`; returns the token response and request values. */
async function flow(op, config, login, { expectUnknown } = {}) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(12));
  const nonce = b64url(randomBytes(12));
  const auth = new URL(config.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code',
    scope: 'openid email profile', state, nonce, login_hint: login,
    code_challenge: challenge, code_challenge_method: 'S256',
  });

  const jar = new Jar();
  let res = await get(auth, jar);
  assert.equal(res.status, 303, `authorize: ${res.status} ${await res.text()}`);
  const interactionUrl = new URL(res.headers.get('location'), op.issuer);
  assert.match(interactionUrl.pathname, /^\/interaction\/[\w-]+$/);

  res = await get(interactionUrl, jar);
  assert.equal(res.status, 200);
  const form = await res.text();
  assert.match(form, /<label for="login">Login<\/label>/);
  assert.match(form, /<label for="password">Password<\/label>/);
  assert.match(form, /<button type="submit">Sign-in<\/button>/);
  assert.ok(form.includes(`value="${login}"`), 'login_hint prefills the login field');
  const action = form.match(/<form method="post" action="([^"]+)"/)[1];

  res = await fetch(new URL(action, op.issuer), {
    method: 'POST', redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password: 'whatever' }),
  });
  jar.take(res);

  if (expectUnknown) {
    assert.equal(res.status, 200, 'unknown login shows the form again');
    const again = await res.text();
    assert.match(again, /role="alert"[^>]*>Unknown login: /);
    assert.match(again, /<button type="submit">Sign-in<\/button>/);
    return null;
  }

  let hops = 0;
  let location;
  for (;;) {
    assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status}: ${await res.text()}`);
    location = new URL(res.headers.get('location'), op.issuer).href;
    if (location.startsWith(REDIRECT_URI)) break;
    assert.ok(++hops < 10, 'too many redirects');
    res = await get(location, jar);
  }
  const cb = new URL(location);
  assert.equal(cb.searchParams.get('error'), null, `callback error: ${cb.search}`);
  assert.equal(cb.searchParams.get('state'), state);
  assert.equal(cb.searchParams.get('iss'), op.issuer);
  const code = cb.searchParams.get('code');
  assert.ok(code, 'code in callback');

  // Client secret in the Basic header is form-urlencoded first, as RFC 6749 section 2.3.1 asks.
  res = await fetch(config.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, `token endpoint: ${JSON.stringify(tokens)}`);
  return { tokens, nonce };
}

async function checkIdToken(op, config, idToken, nonce) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  assert.equal(header.alg, 'RS256');
  const jwks = await (await fetch(config.jwks_uri)).json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kty, 'RSA');
  assert.equal(jwks.keys[0].d, undefined, 'JWKS must not publish the private key');
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} in JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'ID token signature');
  // A tampered token must not verify.
  const forged = Buffer.from(JSON.stringify({ ...payload, email: 'mallory@evil.test' })).toString('base64url');
  assert.ok(!verify('RSA-SHA256', Buffer.from(`${h}.${forged}`), key, Buffer.from(s, 'base64url')), 'forged token rejected');
  assert.equal(payload.iss, op.issuer);
  assert.equal(payload.aud, CLIENT_ID);
  assert.equal(payload.nonce, nonce);
  assert.ok(payload.exp > Date.now() / 1000);
  return payload;
}

async function main() {
  const op = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, accounts: ACCOUNTS });
  try {
    const config = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(config.issuer, op.issuer);
    assert.deepEqual(config.code_challenge_methods_supported, ['S256']);
    assert.ok(config.scopes_supported.includes('email'));
    assert.ok(config.token_endpoint_auth_methods_supported.includes('client_secret_basic'));

    // Verified account.
    const sam = await flow(op, config, 'sam@council.test');
    const samClaims = await checkIdToken(op, config, sam.tokens.id_token, sam.nonce);
    assert.equal(samClaims.sub, 'sam@council.test');
    assert.equal(samClaims.email, 'sam@council.test');
    assert.equal(samClaims.email_verified, true);
    assert.equal(samClaims.name, 'Sam');

    // Unverified email is carried truthfully.
    const una = await flow(op, config, 'una@council.test');
    const unaClaims = await checkIdToken(op, config, una.tokens.id_token, una.nonce);
    assert.equal(unaClaims.email, 'una@council.test');
    assert.equal(unaClaims.email_verified, false);

    // Unknown login: the form again, with an error, no crash.
    await flow(op, config, 'nobody@council.test', { expectUnknown: true });

    // PKCE is required: an authorization request without code_challenge is refused.
    const noPkce = new URL(config.authorization_endpoint);
    noPkce.search = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 'x' });
    const r = await fetch(noPkce, { redirect: 'manual' });
    const loc = new URL(r.headers.get('location') ?? 'http://none/');
    assert.equal(loc.searchParams.get('error'), 'invalid_request', 'missing code_challenge refused');
  } finally {
    await op.stop();
  }
}

main().then(() => { console.log('OK'); process.exit(0); }, (err) => { console.error('FAIL:', err); process.exit(1); });
