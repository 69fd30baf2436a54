// CMS SignedData over the login challenge (RFC 5652), signed with WebCrypto.
// The challenge is encapsulated (the server compares it byte for byte) and
// bound by the contentType, messageDigest and signingTime signed attributes.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { EsignClientError } from "./errors.js";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME = "1.2.840.113549.1.9.5";
const CURVES = {
  "1.2.840.10045.3.1.7": { namedCurve: "P-256", hash: "SHA-256" },
  "1.3.132.0.34": { namedCurve: "P-384", hash: "SHA-384" },
  "1.3.132.0.35": { namedCurve: "P-521", hash: "SHA-512" },
};

function subtle() {
  const c = globalThis.crypto;
  if (!c || !c.subtle) {
    throw new EsignClientError("no_webcrypto", "this browser offers no WebCrypto here (is the page served over HTTPS?)");
  }
  return c.subtle;
}

// The WebCrypto algorithm for the certificate's key; RSA signs with PKCS#1 v1.5.
export function signingAlgorithm(cert) {
  const alg = cert.subjectPublicKeyInfo.algorithm;
  if (alg.algorithmId === "1.2.840.113549.1.1.1") {
    return { importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, hash: "SHA-256" };
  }
  if (alg.algorithmId === "1.2.840.10045.2.1") {
    const curve = CURVES[alg.algorithmParams.valueBlock.toString()];
    if (curve) return { importParams: { name: "ECDSA", namedCurve: curve.namedCurve }, hash: curve.hash };
  }
  throw new EsignClientError(
    "unsupported_key",
    "this key's algorithm cannot sign in the browser (RSA and ECDSA P-256/P-384/P-521 can)",
  );
}

export async function importSigningKey(privateKeyInfo, algorithm) {
  const pkcs8 = privateKeyInfo.toSchema().toBER(false);
  try {
    return await subtle().importKey("pkcs8", pkcs8, algorithm.importParams, false, ["sign"]);
  } catch (err) {
    throw new EsignClientError("unsupported_key", "the private key cannot be used for signing");
  }
}

export async function buildSignedData(challenge, { certificate, chain, privateKey, hash }) {
  const digest = await subtle().digest(hash, challenge);
  const attributes = [
    new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: OID_DATA })] }),
    new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
    new pkijs.Attribute({ type: OID_MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: digest })] }),
  ];
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID_DATA,
      eContent: new asn1js.OctetString({ valueHex: challenge }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [certificate, ...chain],
  });
  await signed.sign(privateKey, 0, hash);
  const info = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}
