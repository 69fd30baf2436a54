"""Export: everything held about the citizen as JSON (with inclusion proofs
of their audit records into the signed tree) and as a readable page; never a
secret, a token or biometric data."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from idp.audit import merkle
from oidc_helpers import csrf_from

PINFL = "31503901234567"
PASSWORD = "demo-password-2026"


@pytest.fixture
def citizen(app, idp, demo, http):
    page = http.get("/login?lang=en").get_data(as_text=True)
    assert http.post("/login?lang=en", data={"identifier": PINFL, "password": PASSWORD,
                                             "csrf_token": csrf_from(page)}).status_code == 302
    return http


def test_json_export_holds_everything_and_no_secret(idp, citizen):
    from idp.auth.models import Authenticator

    idp.audit_sealer.seal_now()
    response = citizen.get("/cabinet/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["person"]["pinfl"] == PINFL and data["person"]["given_name"] == "Aziz"
    assert data["account"]["email"] == "aziz@example.uz"
    assert {a["kind"] for a in data["authenticators"]} >= {"password"}
    assert len(data["sessions"]) == 1 and data["sessions"][0]["ended_at"] is None
    with idp.db.transaction() as s:
        secrets = [a.secret for a in s.scalars(select(Authenticator)) if a.secret]
    text = response.get_data(as_text=True)
    assert secrets and not any(secret in text for secret in secrets)
    assert "token_hash" not in text and "argon2" not in text


def test_each_sealed_record_comes_with_a_proof_that_verifies(idp, citizen):
    idp.audit_sealer.seal_now()
    data = citizen.get("/cabinet/export.json").get_json()
    proved = [a for a in data["activity"] if a["proof"]]
    assert proved and any(a["record"]["event"] == "login.password.succeeded" for a in proved)
    for item in proved:
        body, proof = item["record"], item["proof"]
        leaf = merkle.leaf_hash(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode())
        assert leaf.hex() == proof["leaf_hash"]
        assert merkle.verify_inclusion(proof["leaf_index"], proof["tree_size"], leaf,
                                       [bytes.fromhex(p) for p in proof["audit_path"]],
                                       bytes.fromhex(proof["root_hash"]))
    # The export itself is audited, without personal data; unsealed records come without a proof.
    again = citizen.get("/cabinet/export.json").get_json()
    (latest, *_rest) = again["activity"]
    assert latest["record"]["event"] == "cabinet.exported" and latest["proof"] is None
    assert latest["record"]["data"] == {"form": "json"}


def test_enrollment_cases_are_exported_without_biometric_data(idp, citizen):
    import datetime as dt

    from enrollment.models import EnrollmentCase

    with idp.db.transaction() as s:
        s.add(EnrollmentCase(pinfl=PINFL, browser_key_hash="0" * 64, email="aziz@example.uz",
                             expires_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1),
                             document_number="FA1234567"))
    data = citizen.get("/cabinet/export.json").get_json()
    (case,) = data["enrollment_cases"]
    assert case["document_number"] == "FA1234567"
    assert not {"selfies", "chip_reads", "selfie_evidence_id", "chip_evidence_id", "browser_key_hash"} & set(case)


def test_readable_export_page(citizen):
    response = citizen.get("/cabinet/export?lang=en")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "All your data" in html and PINFL in html and "Aziz" in html
    assert "Password" in html and "You logged in with your password" in html
    assert "login.password" not in html


@pytest.mark.parametrize("path", ["/cabinet/export", "/cabinet/export.json"])
def test_export_needs_a_login(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
