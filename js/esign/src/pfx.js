// Opening a PKCS#12 (.pfx) key file in the browser (RFC 7292).
// The password and the private key stay in this page: the key is imported
// into WebCrypto as non-extractable and only ever used to sign.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { EsignClientError } from "./errors.js";

const BAG_KEY = "1.2.840.113549.1.12.10.1.1";
const BAG_SHROUDED_KEY = "1.2.840.113549.1.12.10.1.2";
const BAG_CERT = "1.2.840.113549.1.12.10.1.3";
const ATTR_LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const EXT_BASIC_CONSTRAINTS = "2.5.29.19";

export function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === "string") return new TextEncoder().encode(value);
  throw new EsignClientError("bad_input", "expected bytes or a string");
}

function exactBuffer(bytes) {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function localKeyId(bag) {
  for (const attr of bag.bagAttributes || []) {
    if (attr.type === ATTR_LOCAL_KEY_ID && attr.values.length) {
      return Array.from(new Uint8Array(attr.values[0].valueBlock.valueHexView)).join(",");
    }
  }
  return null;
}

function isCa(cert) {
  for (const ext of cert.extensions || []) {
    if (ext.extnID === EXT_BASIC_CONSTRAINTS && ext.parsedValue && ext.parsedValue.cA) return true;
  }
  return false;
}

async function decodeBags(pfx, password) {
  try {
    await pfx.parseInternalValues({ password, checkIntegrity: Boolean(pfx.macData) });
  } catch (err) {
    throw new EsignClientError("bad_password", "the password is wrong or the file is damaged");
  }
  const safe = pfx.parsedValue.authenticatedSafe;
  try {
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password })) });
  } catch (err) {
    if (!pfx.macData) {
      // Without a MAC, a wrong password first shows up here.
      throw new EsignClientError("bad_password", "the password is wrong or the file is damaged");
    }
    throw new EsignClientError(
      "unsupported_pfx",
      "this key file uses an encryption this browser cannot open (re-export it with AES)",
    );
  }
  const keys = [];
  const certs = [];
  for (const content of safe.parsedValue.safeContents) {
    for (const bag of content.value.safeBags) {
      if (bag.bagId === BAG_SHROUDED_KEY) {
        try {
          await bag.bagValue.parseInternalValues({ password });
        } catch (err) {
          throw new EsignClientError("unsupported_pfx", "the private key cannot be decrypted");
        }
        keys.push({ info: bag.bagValue.parsedValue, id: localKeyId(bag) });
      } else if (bag.bagId === BAG_KEY) {
        keys.push({ info: bag.bagValue, id: localKeyId(bag) });
      } else if (bag.bagId === BAG_CERT && bag.bagValue.parsedValue instanceof pkijs.Certificate) {
        certs.push({ cert: bag.bagValue.parsedValue, id: localKeyId(bag) });
      }
    }
  }
  return { keys, certs };
}

// Returns { privateKeyInfo, certificate, chain } from .pfx bytes and a password.
export async function openPfx(pfxBytes, password) {
  const bytes = toBytes(pfxBytes);
  const asn1 = asn1js.fromBER(exactBuffer(bytes));
  let pfx;
  try {
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    pfx = new pkijs.PFX({ schema: asn1.result });
  } catch (err) {
    throw new EsignClientError("not_pkcs12", "this is not a PKCS#12 (.pfx) key file");
  }
  const { keys, certs } = await decodeBags(pfx, exactBuffer(toBytes(password || "")));
  if (keys.length === 0 || certs.length === 0) {
    throw new EsignClientError("no_key", "the key file holds no private key with its certificate");
  }
  const key = keys[0];
  let own = key.id ? certs.find((c) => c.id === key.id) : undefined;
  if (!own) own = certs.find((c) => !isCa(c.cert)) || certs[0];
  return {
    privateKeyInfo: key.info,
    certificate: own.cert,
    chain: certs.filter((c) => c !== own).map((c) => c.cert),
  };
}
