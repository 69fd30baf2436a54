"""A citizen's browser walking the enrollment journey through the Flask
test client, and the reader that answers the chip challenge."""
from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
from PIL import Image
from sqlalchemy import select

from nfc import ChipData, check_digit, encode_upload
from nfc.testing import Identity, aa_sign

from idp.notify.models import OutboxMessage
from idp.people.models import RegisterEntry

HOLDER = Identity(surname="TESTOVA", given_names="MALIKA", document_number="FA1234567",
                  date_of_birth=dt.date(1990, 5, 17), date_of_expiry=dt.date(2031, 1, 1), sex="F",
                  personal_number="41705901234567")
EMAIL = "malika@example.org"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|data-csrf="([^"]+)"')


def register_holder(idp, identity: Identity = HOLDER, *, pinfl: str | None = None, family_name="Testova",
                    given_name="Malika") -> None:
    with idp.db.transaction() as s:
        s.add(RegisterEntry(pinfl=pinfl or identity.personal_number, family_name=family_name,
                            given_name=given_name, patronymic="Rustamovna", birth_date=identity.date_of_birth,
                            sex=identity.sex, citizenship="UZB", document_number=identity.document_number,
                            document_expiry=identity.date_of_expiry))


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def digits(number: str, birth: dt.date, expiry: dt.date) -> dict:
    return {"number": number, "number_digit": check_digit(number.ljust(9, "<")),
            "birth_date": birth.isoformat(), "birth_digit": check_digit(birth.strftime("%y%m%d")),
            "expiry_date": expiry.isoformat(), "expiry_digit": check_digit(expiry.strftime("%y%m%d"))}


def upload_for(passport, nonce: bytes, *, sign_nonce: bytes | None = None) -> dict:
    """What a reader uploads after reading `passport` and answering `nonce`
    (or, for a stale answer, `sign_nonce`)."""
    signature = aa_sign(passport.aa_key, sign_nonce or nonce, hash_name=passport.aa_hash) if passport.aa_key else None
    chip = ChipData(dict(passport.files), signature, sign_nonce or nonce)
    return encode_upload(chip, reader={"software": "test-reader/1", "transport": "simulator",
                                       "access_control": "BAC"})


def frames(count: int = 12, *, fps: float = 6.0, seed: int | None = None) -> list[dict]:
    """Camera-like frames (distinct noise pictures) as the capture page sends them."""
    import base64

    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        pixels = rng.integers(0, 255, size=(96, 128, 3), dtype=np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=80)
        out.append({"t": round(i * 1000.0 / fps, 1),
                    "image": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()})
    return out


class Journey:
    def __init__(self, app, idp, passport, *, http=None, email: str = EMAIL, lang: str = "en"):
        self.app, self.idp, self.passport = app, idp, passport
        self.http = http or app.test_client()
        self.email = email
        self.token: str | None = None
        self.http.get(f"/enroll/?lang={lang}")  # the language cookie, as a person's first choice would set it

    # -- plumbing -----------------------------------------------------------------
    def get(self, path: str, **kw):
        return self.http.get(path, **kw)

    def post_form(self, path: str, data: dict, page: str | None = None):
        html = self.http.get(page or path).get_data(as_text=True)
        return self.http.post(path, data={**data, "csrf_token": csrf_in(html)})

    def post_json(self, path: str, body: dict | None = None, page: str = "/enroll/selfie"):
        html = self.http.get(page).get_data(as_text=True)
        return self.http.post(path, json=body or {}, headers={"X-CSRFToken": csrf_in(html)})

    def last_code(self, to: str | None = None) -> str:
        with self.idp.db.transaction() as s:
            msg = s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == (to or self.email))
                            .order_by(OutboxMessage.created_at.desc())).first()
        return re.search(r"\b(\d{6})\b", msg.body).group(1)

    def last_mail(self, to: str | None = None) -> OutboxMessage:
        with self.idp.db.transaction() as s:
            return s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == (to or self.email))
                             .order_by(OutboxMessage.created_at.desc())).first()

    def case(self):
        from enrollment.models import EnrollmentCase

        with self.idp.db.transaction() as s:
            case = s.scalars(select(EnrollmentCase).where(EnrollmentCase.email == self.email)
                             .order_by(EnrollmentCase.created_at.desc())).first()
            if case is None:
                case = s.scalars(select(EnrollmentCase).order_by(EnrollmentCase.created_at.desc())).first()
            s.expunge(case)
            return case

    # -- steps --------------------------------------------------------------------
    def start(self, *, purpose: str = "enroll", route: str = "passport"):
        page = "/enroll/?purpose=recovery" if purpose == "recovery" else "/enroll/"
        return self.post_form("/enroll/start", {"purpose": purpose, "route": route, "consent": "y"}, page=page)

    def contact(self, phone: str = "", country: str = "RU"):
        return self.post_form("/enroll/contact", {"email": self.email, "phone": phone, "residence_country": country})

    def verify_email(self, code: str | None = None):
        return self.post_form("/enroll/contact/verify", {"code": code or self.last_code()})

    def document(self, identity: Identity = HOLDER, **override):
        data = digits(identity.document_number, identity.date_of_birth, identity.date_of_expiry)
        data.update(override)
        return self.post_form("/enroll/document", data)

    def through_document(self, identity: Identity = HOLDER):
        assert self.start().status_code == 302
        assert self.contact().status_code == 302
        assert self.verify_email().status_code == 302
        response = self.document(identity)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def chip_page(self):
        page = self.http.get("/enroll/chip")
        html = page.get_data(as_text=True)
        found = re.search(r"--token ([A-Za-z0-9_-]+)", html)
        self.token = found.group(1) if found else None
        return page

    def api(self, method: str, path: str, token: str | None = None, **kw):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return getattr(self.http, method)(path, headers=headers, **kw)

    def challenge(self, token: str | None = None):
        case = self.case()
        return self.api("get", f"/enroll/api/cases/{case.id}/chip/challenge", token)

    def upload(self, payload, token: str | None = None):
        case = self.case()
        return self.api("post", f"/enroll/api/cases/{case.id}/chip", token, json=payload)

    def read_chip(self, passport=None, *, token: str | None = None):
        """Fetch a challenge, 'read' the passport, upload; the upload response."""
        if token is None:
            self.chip_page()
        answer = self.challenge(token)
        assert answer.status_code == 200, answer.get_json()
        nonce = bytes.fromhex(answer.get_json()["nonce"])
        return self.upload(upload_for(passport or self.passport, nonce), token)

    def selfie(self, **frame_kw):
        challenge = self.post_json("/enroll/selfie/challenge")
        assert challenge.status_code == 200, challenge.get_json()
        c = challenge.get_json()["challenge"]
        return self.post_json("/enroll/selfie/frames", {"challenge_id": c["challenge_id"], "nonce": c["nonce"],
                                                        "frames": frames(**frame_kw)})

    def submit(self):
        return self.post_form("/enroll/review", {"truthful": "y"})

    def through_submit(self):
        self.through_document()
        assert self.read_chip().status_code == 202
        assert self.selfie().get_json()["done"]
        response = self.submit()
        assert response.status_code == 302
        return response
