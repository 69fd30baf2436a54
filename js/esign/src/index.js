// window.IdpEsign: sign a login challenge with a .pfx e-signature key in the page.
//
//   const info = await IdpEsign.readCertificateInfo(pfxArrayBuffer, password);
//   const cmsBase64 = await IdpEsign.signChallenge(pfxArrayBuffer, password, challengeBytes);
//
// Nothing is sent anywhere: the caller posts the returned base64 CMS.
import { describe } from "./certinfo.js";
import { EsignClientError } from "./errors.js";
import { openPfx, toBytes } from "./pfx.js";
import { buildSignedData, importSigningKey, signingAlgorithm } from "./sign.js";

function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function readCertificateInfo(pfx, password) {
  const opened = await openPfx(pfx, password);
  return describe(opened.certificate);
}

async function signChallenge(pfx, password, challenge) {
  const bytes = toBytes(challenge);
  if (bytes.length === 0) throw new EsignClientError("bad_input", "the challenge is empty");
  const opened = await openPfx(pfx, password);
  const algorithm = signingAlgorithm(opened.certificate);
  const privateKey = await importSigningKey(opened.privateKeyInfo, algorithm);
  const der = await buildSignedData(bytes, {
    certificate: opened.certificate,
    chain: opened.chain,
    privateKey,
    hash: algorithm.hash,
  });
  return toBase64(der);
}

const api = Object.freeze({ version: "1", signChallenge, readCertificateInfo, EsignClientError });
globalThis.IdpEsign = api;
export default api;
