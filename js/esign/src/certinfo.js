// What the page shows before signing: whose key this is.
const NAMES = {
  "2.5.4.3": "commonName",
  "2.5.4.4": "surname",
  "2.5.4.42": "givenName",
  "2.5.4.10": "organisation",
  "2.5.4.5": "serialNumber",
  "1.2.860.3.16.1.2": "pinfl",
  "1.2.860.3.16.1.1": "tin",
};
const CURVES = { "1.2.840.10045.3.1.7": "P-256", "1.3.132.0.34": "P-384", "1.3.132.0.35": "P-521" };

function attributes(name) {
  const out = {};
  for (const tv of name.typesAndValues) {
    const key = NAMES[tv.type];
    if (key && out[key] === undefined) out[key] = String(tv.value.valueBlock.value).trim();
  }
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").replace(/^0+(?=.)/, "");
}

export function keyAlgorithm(cert) {
  const spki = cert.subjectPublicKeyInfo;
  if (spki.algorithm.algorithmId === "1.2.840.113549.1.1.1") {
    const modulus = spki.parsedKey.modulus.valueBlock.valueHexView;
    const bits = (modulus[0] === 0 ? modulus.length - 1 : modulus.length) * 8;
    return `RSA-${bits}`;
  }
  if (spki.algorithm.algorithmId === "1.2.840.10045.2.1") {
    const curve = CURVES[spki.algorithm.algorithmParams.valueBlock.toString()];
    return curve ? `ECDSA ${curve}` : "ECDSA (unsupported curve)";
  }
  return spki.algorithm.algorithmId;
}

export function describe(cert, now = new Date()) {
  const subject = attributes(cert.subject);
  const issuer = attributes(cert.issuer);
  let pinfl = subject.pinfl || null;
  if (!pinfl && subject.serialNumber) {
    const m = /^(?:PNOUZ-)?([0-9]{14})$/.exec(subject.serialNumber);
    pinfl = m ? m[1] : null;
  }
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  return {
    commonName: subject.commonName || null,
    surname: subject.surname || null,
    givenName: subject.givenName || null,
    organisation: subject.organisation || null,
    pinfl,
    tin: subject.tin || null,
    userType: subject.tin ? "L" : "I",
    serialNumber: hex(cert.serialNumber.valueBlock.valueHexView),
    issuer: issuer.commonName || null,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    expired: now > notAfter,
    notYetValid: now < notBefore,
    keyAlgorithm: keyAlgorithm(cert),
  };
}
