// A FAPI 2.0 relying party on panva's openid-client: private_key_jwt client
// authentication, a pushed authorization request (PAR) with PKCE S256, and
// DPoP-bound tokens (the DPoP handle answers the server's nonce by itself).
//
// Same line protocol as rp.mjs:
//   stdout  {"step": "authorize", "authorization_url": ..., "state": ...}
//   stdin   the callback URL
//   stdout  {"step": "done", ...}  or {"step": "error", ...}
//
// Environment: ISSUER, CLIENT_ID, PRIVATE_JWK (the client's ES256 private key
// as a JWK with its kid), REDIRECT_URI, SCOPE.
import { createInterface } from "node:readline";
import * as client from "openid-client";

const env = process.env;

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function describeError(error) {
  return {
    name: error?.name, message: error?.message, code: error?.code, status: error?.status,
    error: error?.error ?? error?.cause?.[0]?.parameters?.error,
  };
}

async function readCallbackUrl() {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return new URL(line.trim());
  }
  throw new Error("stdin closed before the callback URL arrived");
}

async function main() {
  const jwk = JSON.parse(env.PRIVATE_JWK);
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const config = await client.discovery(new URL(env.ISSUER), env.CLIENT_ID, undefined,
    client.PrivateKeyJwt({ key, kid: jwk.kid }), { execute: [client.allowInsecureRequests] });
  const metadata = config.serverMetadata();
  const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: env.REDIRECT_URI, scope: env.SCOPE, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
  }, { DPoP: dpop });
  emit({ step: "authorize", authorization_url: url.href, state,
         par_endpoint: metadata.pushed_authorization_request_endpoint,
         dpop_algs: metadata.dpop_signing_alg_values_supported });

  const callback = await readCallbackUrl();
  const tokens = await client.authorizationCodeGrant(config, callback,
    { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: dpop });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP: dpop });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP: dpop });
  // the same access token without the DPoP key must be refused
  let bearerRefused = false;
  try {
    await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
  } catch (error) {
    bearerRefused = true;
  }
  emit({
    step: "done", token_type: tokens.token_type, refreshed_token_type: refreshed.token_type,
    iss: callback.searchParams.get("iss"), sub: claims.sub, acr: claims.acr,
    userinfo_sub: userinfo.sub, bearer_refused: bearerRefused,
  });
}

main().catch((error) => {
  emit({ step: "error", ...describeError(error), stack: error?.stack });
  process.exitCode = 1;
});
