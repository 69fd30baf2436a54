"""A demo national CA with e-signature key files for the demo and tests.

``create_demo_ca(out_dir, password=...)`` writes a root CA, an issuing
(intermediate) CA, their CRLs and password-protected ``.pfx`` key files for
the people below. It refuses to run when ``IDP_ENV=production``: a demo CA
must never be trusted by a live identity provider.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

from .pki import Issued, make_ca, make_crl, make_person, new_key, pfx_bytes


class ProductionRefusedError(RuntimeError):
    """Demo material is never created on a production instance."""


def refuse_in_production(environ: Mapping[str, str] | None = None) -> None:
    env = (environ if environ is not None else os.environ).get("IDP_ENV", "")
    if env.strip().lower() == "production":
        raise ProductionRefusedError("the demo CA is refused when IDP_ENV=production")


@dataclass(frozen=True)
class DemoHolder:
    slug: str
    surname: str
    given_name: str
    pinfl: str
    key_kind: str
    status: str = "valid"  # valid, expired or revoked
    tin: str | None = None
    organisation: str | None = None

    @property
    def user_type(self) -> str:
        return "L" if self.tin else "I"


#: The demo people; their PINFLs are what a demo population register seeds.
DEMO_HOLDERS = (
    DemoHolder("individual-rsa", "KARIMOV", "ALISHER", "31507851230018", "rsa2048"),
    DemoHolder("individual-ec", "YUSUPOVA", "MADINA", "42203924560027", "p256"),
    DemoHolder(
        "legal-rsa", "TOSHMATOV", "BOBUR", "30912820230035", "rsa2048",
        tin="301234567", organisation="DEMO TEXTILE LLC",
    ),
    DemoHolder("expired-rsa", "RAHIMOV", "JASUR", "31103770450041", "rsa2048", status="expired"),
    DemoHolder("revoked-ec", "SAIDOVA", "NILUFAR", "42511880670053", "p256", status="revoked"),
)

ROOT_NAME = "UZ Demo National Root CA"
ISSUING_NAME = "UZ Demo Qualified Signature CA 1"


@dataclass(frozen=True)
class DemoPki:
    root: Issued
    issuing: Issued
    holders: dict[str, Issued]
    root_crl: bytes
    issuing_crl: bytes


def build_demo_pki(now: datetime | None = None, holders=DEMO_HOLDERS) -> DemoPki:
    """The demo CA hierarchy in memory (no files)."""
    refuse_in_production()
    now = now or datetime.now(timezone.utc)
    root = make_ca(ROOT_NAME, key=new_key("rsa2048"), not_before=now - timedelta(days=1),
                   not_after=now + timedelta(days=3650), path_len=1)
    issuing = make_ca(ISSUING_NAME, key=new_key("rsa2048"), issuer=root, not_before=now - timedelta(days=1),
                      not_after=now + timedelta(days=1825), path_len=0)
    issued: dict[str, Issued] = {}
    for holder in holders:
        start, end = now - timedelta(hours=1), now + timedelta(days=730)
        if holder.status == "expired":
            start, end = now - timedelta(days=730), now - timedelta(days=1)
        issued[holder.slug] = make_person(
            issuing, key=new_key(holder.key_kind), surname=holder.surname, given_name=holder.given_name,
            pinfl=holder.pinfl, tin=holder.tin, organisation=holder.organisation,
            not_before=start, not_after=end,
        )
    revoked = [issued[h.slug].serial for h in holders if h.status == "revoked"]
    crl_window = {"this_update": now - timedelta(hours=1), "next_update": now + timedelta(days=365)}
    return DemoPki(
        root=root,
        issuing=issuing,
        holders=issued,
        root_crl=make_crl(root, **crl_window),
        issuing_crl=make_crl(issuing, revoked=revoked, **crl_window),
    )


def create_demo_ca(out_dir: str | Path, *, password: str, now: datetime | None = None) -> dict:
    """Write the demo CA to ``out_dir``; returns the manifest (also written as manifest.json)."""
    refuse_in_production()
    pki = build_demo_pki(now)
    out = Path(out_dir)
    for sub in ("ca", "crl", "keys"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    (out / "ca" / "root.pem").write_bytes(pki.root.pem)
    (out / "ca" / "issuing.pem").write_bytes(pki.issuing.pem)
    (out / "crl" / "root.crl").write_bytes(pki.root_crl)
    (out / "crl" / "issuing.crl").write_bytes(pki.issuing_crl)
    holders = []
    for holder in DEMO_HOLDERS:
        cert = pki.holders[holder.slug]
        pfx_path = out / "keys" / f"{holder.slug}.pfx"
        pfx_path.write_bytes(pfx_bytes(cert, [pki.issuing], password, name=holder.slug))
        os.chmod(pfx_path, 0o600)
        holders.append(
            {
                "slug": holder.slug,
                "pfx": str(pfx_path.relative_to(out)),
                "pinfl": holder.pinfl,
                "tin": holder.tin,
                "organisation": holder.organisation,
                "user_type": holder.user_type,
                "surname": holder.surname,
                "given_name": holder.given_name,
                "key": holder.key_kind,
                "status": holder.status,
                "serial": format(cert.serial, "x"),
            }
        )
    manifest = {
        "trust_anchors": ["ca/root.pem"],
        "intermediates": ["ca/issuing.pem"],
        "crls": ["crl/root.crl", "crl/issuing.crl"],
        "password": password,
        "holders": holders,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
