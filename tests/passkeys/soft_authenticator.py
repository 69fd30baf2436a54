"""A small software authenticator (and the browser around it) for tests.

It answers WebAuthn options the way a browser with a platform authenticator
would, with real bytes: an ES256 key pair per credential (cryptography),
authenticatorData as in WebAuthn §6.1, a COSE_Key (RFC 9052/9053) and an
attestation object with format "none" (§8.7), CBOR-encoded with cbor2, and
assertion signatures over authenticatorData || SHA-256(clientDataJSON)
(§6.3.3). Every knob a test needs to make a response wrong is a keyword:
origin, RP ID, flags, counter, user handle, challenge.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
ES256 = -7
OWN = object()  # "the credential's own user handle"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cose_key(public: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public.public_numbers()
    return cbor2.dumps({1: 2, 3: ES256, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})


@dataclass
class Credential:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """Defaults model a phone's passkey: user verification, counter that grows."""

    origin: str = "http://localhost"
    aaguid: bytes = bytes(16)
    user_verifying: bool = True
    backup_eligible: bool = False
    counter_step: int = 1  # 0 models synced passkeys, which always report 0
    credentials: dict[bytes, Credential] = field(default_factory=dict)

    # -- helpers ------------------------------------------------------------
    def client_data(self, kind: str, challenge: str, *, origin: str | None = None, cross_origin: bool = False) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": cross_origin}, separators=(",", ":")).encode()

    def flags(self, *, uv: bool | None, up: bool = True, attested: bool = False, bs: bool | None = None) -> int:
        value = (UP if up else 0) | (UV if (self.user_verifying if uv is None else uv) else 0)
        if self.backup_eligible:
            value |= BE
        if bs if bs is not None else self.backup_eligible:
            value |= BS
        return value | (AT if attested else 0)

    # -- navigator.credentials.create() -------------------------------------
    def create(self, options: dict, *, origin: str | None = None, rp_id: str | None = None, uv: bool | None = None,
               up: bool = True, challenge: str | None = None, kind: str = "webauthn.create",
               cross_origin: bool = False, credential_id: bytes | None = None) -> dict:
        """A registration response (RegistrationResponseJSON) to creation options."""
        rp_id = rp_id or options["rp"]["id"]
        excluded = {unb64u(c["id"]) for c in options.get("excludeCredentials") or []}
        if any(c.rp_id == rp_id and c.credential_id in excluded for c in self.credentials.values()):
            raise ValueError("InvalidStateError: this authenticator already holds an excluded credential")
        key = ec.generate_private_key(ec.SECP256R1())
        cred_id = credential_id or secrets.token_bytes(16)
        credential = Credential(cred_id, key, rp_id, unb64u(options["user"]["id"]))
        self.credentials[cred_id] = credential
        auth_data = (hashlib.sha256(rp_id.encode()).digest()
                     + bytes([self.flags(uv=uv, up=up, attested=True)]) + struct.pack(">I", 0)
                     + self.aaguid + struct.pack(">H", len(cred_id)) + cred_id + cose_key(key.public_key()))
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self.client_data(kind, challenge or options["challenge"], origin=origin, cross_origin=cross_origin)
        return {"id": b64u(cred_id), "rawId": b64u(cred_id), "type": "public-key",
                "authenticatorAttachment": "platform",
                "clientExtensionResults": {"credProps": {"rk": True}},
                "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation),
                             "transports": ["internal", "hybrid"]}}

    # -- navigator.credentials.get() ----------------------------------------
    def get(self, options: dict, *, credential_id: bytes | None = None, origin: str | None = None,
            rp_id: str | None = None, uv: bool | None = None, up: bool = True, sign_count: int | None = None,
            user_handle: object = OWN, challenge: str | None = None, kind: str = "webauthn.get",
            cross_origin: bool = False, key: ec.EllipticCurvePrivateKey | None = None, bs: bool | None = None) -> dict:
        """An assertion (AuthenticationResponseJSON): for a discoverable request the
        authenticator's credential for the RP ID (or ``credential_id``)."""
        allowed = [unb64u(c["id"]) for c in options.get("allowCredentials") or []]
        if credential_id is None:
            matches = [c for c in self.credentials.values()
                       if c.rp_id == options["rpId"] and (not allowed or c.credential_id in allowed)]
            if not matches:
                raise LookupError("NotAllowedError: no credential for this RP")
            credential = matches[0]
        else:
            credential = self.credentials[credential_id]
        if sign_count is None:
            credential.sign_count += self.counter_step
            sign_count = credential.sign_count
        rp_id = rp_id or credential.rp_id  # a different one models a misconfigured or foreign RP
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self.flags(uv=uv, up=up, bs=bs)])
                     + struct.pack(">I", sign_count))
        client_data = self.client_data(kind, challenge or options["challenge"], origin=origin, cross_origin=cross_origin)
        signature = (key or credential.key).sign(auth_data + hashlib.sha256(client_data).digest(),
                                                 ec.ECDSA(hashes.SHA256()))
        handle = credential.user_handle if user_handle is OWN else user_handle
        return {"id": b64u(credential.credential_id), "rawId": b64u(credential.credential_id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64u(client_data), "authenticatorData": b64u(auth_data),
                             "signature": b64u(signature), "userHandle": b64u(handle) if handle else None}}

    def clone(self) -> "SoftAuthenticator":
        """A copy holding the same keys and counters, as an attacker's clone would."""
        copy = SoftAuthenticator(origin=self.origin, aaguid=self.aaguid, user_verifying=self.user_verifying,
                                 backup_eligible=self.backup_eligible, counter_step=self.counter_step)
        copy.credentials = {k: Credential(v.credential_id, v.key, v.rp_id, v.user_handle, v.sign_count)
                            for k, v in self.credentials.items()}
        return copy
