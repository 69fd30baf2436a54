// A relying party built on panva's openid-client (v6, functional API), used by
// tests/interop to check that an independent, certified client library works
// against the identity provider.
//
// Protocol with the driving test, one JSON object per line:
//   stdout  {"step": "authorize", "authorization_url": ..., "nonce": ..., "state": ...}
//   stdin   the full callback URL the browser was redirected to
//   stdout  {"step": "done", ...what the client saw...}   or {"step": "error", ...}
//
// Configuration comes from the environment: ISSUER, CLIENT_ID, CLIENT_SECRET
// (empty for a public client), AUTH_METHOD (client_secret_basic,
// client_secret_post or none), REDIRECT_URI, SCOPE.
import { createInterface } from "node:readline";
import * as client from "openid-client";

const env = process.env;

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function describeError(error) {
  return {
    name: error?.name,
    message: error?.message,
    code: error?.code,
    status: error?.status,
    error: error?.error ?? error?.cause?.[0]?.parameters?.error,
  };
}

function clientAuthentication(method, secret) {
  switch (method) {
    case "client_secret_basic": return client.ClientSecretBasic(secret);
    case "client_secret_post": return client.ClientSecretPost(secret);
    case "none": return client.None();
    default: throw new Error(`unsupported AUTH_METHOD ${method}`);
  }
}

async function readCallbackUrl() {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return new URL(line.trim());
  }
  throw new Error("stdin closed before the callback URL arrived");
}

// Calls the UserInfo endpoint and reports the outcome instead of throwing, so
// that the test can assert on a refused token.
async function tryUserInfo(config, accessToken, expectedSubject) {
  try {
    return { ok: true, claims: await client.fetchUserInfo(config, accessToken, expectedSubject) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

async function main() {
  const config = await client.discovery(
    new URL(env.ISSUER),
    env.CLIENT_ID,
    env.CLIENT_SECRET || undefined,
    clientAuthentication(env.AUTH_METHOD, env.CLIENT_SECRET),
    {
      // openid-client refuses plain-http issuers; the test server listens on
      // the loopback interface only, where TLS adds nothing, so allow it here.
      execute: [client.allowInsecureRequests,
        // Verify the ID token's signature against the jwks_uri too (by default
        // an ID token from the token endpoint is trusted on the strength of TLS).
        client.enableNonRepudiationChecks],
    },
  );
  const metadata = config.serverMetadata();

  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  const nonce = client.randomNonce();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: env.REDIRECT_URI,
    scope: env.SCOPE,
    code_challenge: codeChallenge,
    code_challenge_method: "S256",
    nonce,
    state,
  });
  emit({ step: "authorize", authorization_url: authorizationUrl.href, nonce, state });

  const callbackUrl = await readCallbackUrl();
  // Checks state, iss (RFC 9207, advertised in discovery), the PKCE verifier,
  // and the ID token: signature, iss, aud, exp, iat, nonce.
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: codeVerifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  const idHeader = JSON.parse(Buffer.from(tokens.id_token.split(".")[0], "base64url").toString());
  const userinfo = await tryUserInfo(config, tokens.access_token, idClaims.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const afterRefresh = await tryUserInfo(config, refreshed.access_token, idClaims.sub);

  await client.tokenRevocation(config, refreshed.access_token, { token_type_hint: "access_token" });
  const afterRevocation = await tryUserInfo(config, refreshed.access_token, idClaims.sub);

  emit({
    step: "done",
    discovered_issuer: metadata.issuer,
    token_endpoint_auth_method: env.AUTH_METHOD,
    id_token_header: idHeader,
    id_token_claims: idClaims,
    token_type: tokens.token_type,
    scope: tokens.scope,
    userinfo,
    refresh: {
      access_token_changed: refreshed.access_token !== tokens.access_token,
      refresh_token_rotated: Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token,
      id_token_claims: refreshed.id_token ? refreshed.claims() : null,
    },
    userinfo_after_refresh: afterRefresh,
    userinfo_after_revocation: afterRevocation,
  });
}

main().catch((error) => {
  emit({ step: "error", ...describeError(error), stack: error?.stack });
  process.exitCode = 1;
});
