"""The register-photo route (no chip): the population register adapter
returns the photo it holds for a passport, from the embedded register (seeded
from images installed packages ship) or from the state register's HTTP API."""
from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from idp.registry import EmbeddedRegistry, HttpRegistry, RegistryUnavailable
from idp.registry.photos import sample_portrait

from enrollment_journey import HOLDER


def test_the_embedded_register_returns_the_photo_of_the_document_with_its_birth_date(idp, holder):
    register = EmbeddedRegistry(idp.db, environment="test")
    photo = sample_portrait("grace_hopper")
    register.add_photo(HOLDER.personal_number, HOLDER.document_number, photo)
    assert register.document_photo(HOLDER.document_number.lower(), HOLDER.date_of_birth) == photo
    assert register.document_photo(HOLDER.document_number, HOLDER.date_of_birth + dt.timedelta(days=1)) is None
    assert register.document_photo("FA7654321", HOLDER.date_of_birth) is None


@pytest.fixture
def register_api():
    photo = sample_portrait("astronaut")
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            seen.append(self.path)
            if self.path == "/documents/FA1234567/photo?birth_date=1990-05-17":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                self.wfile.write(photo)
            elif "slow" in self.path:
                threading.Event().wait(2)
                self.send_response(200)
                self.end_headers()
            else:
                self.send_response(404 if "FA" in self.path else 500)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", photo, seen
    server.shutdown()


def test_the_http_register_reads_the_photo_with_a_timeout(register_api):
    base, photo, seen = register_api
    register = HttpRegistry(base, timeout=0.5)
    assert register.document_photo("fa1234567", dt.date(1990, 5, 17)) == photo
    assert register.document_photo("FA0000000", dt.date(1990, 5, 17)) is None
    with pytest.raises(RegistryUnavailable):
        register.document_photo("XX0000000", dt.date(1990, 5, 17))
    with pytest.raises(RegistryUnavailable):
        register.document_photo("slow", dt.date(1990, 5, 17))
    assert seen[0] == "/documents/FA1234567/photo?birth_date=1990-05-17"


# -- the route through the pages ---------------------------------------------------
import base64  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402

from enrollment.models import APPROVED, AWAITING_REVIEW, IN_PROGRESS, REJECTED, EnrollmentCase, RegisterEvidence  # noqa: E402
from enrollment.services import lifecycle  # noqa: E402


def face_frames(name: str = "grace_hopper", count: int = 10) -> list[dict]:
    """Camera-like frames of one face (a sample portrait with a little noise,
    so no two frames are the same picture)."""
    with Image.open(io.BytesIO(sample_portrait(name))) as image:
        base = np.asarray(image.convert("RGB").resize((300, 350)), dtype=np.int16)
    rng = np.random.default_rng(7)
    out = []
    for i in range(count):
        noisy = np.clip(base + rng.integers(-6, 7, size=base.shape), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(noisy).save(buffer, format="JPEG", quality=85)
        out.append({"t": round(i * 1000.0 / 6, 1),
                    "image": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()})
    return out


def seed_photo(idp, name: str = "grace_hopper", identity=HOLDER) -> None:
    EmbeddedRegistry(idp.db, environment="test").add_photo(identity.personal_number, identity.document_number,
                                                           sample_portrait(name))


def to_register_step(journey, identity=HOLDER):
    assert journey.start(route="register_photo").status_code == 302
    assert journey.contact().status_code == 302
    assert journey.verify_email().status_code == 302
    response = journey.document(identity)
    assert response.status_code == 302
    # the chip step is not part of this route: the page sends the citizen on to the register check
    assert journey.get(response.headers["Location"]).headers["Location"].endswith("/enroll/register")


def register_check(journey):
    return journey.post_form("/enroll/register", {})


def selfie(journey, name: str = "grace_hopper"):
    challenge = journey.post_json("/enroll/selfie/challenge")
    assert challenge.status_code == 200, challenge.get_json()
    c = challenge.get_json()["challenge"]
    return journey.post_json("/enroll/selfie/frames", {"challenge_id": c["challenge_id"], "nonce": c["nonce"],
                                                       "frames": face_frames(name)})


def evidence_of(idp, case_id):
    with idp.db.transaction() as s:
        case = s.get(EnrollmentCase, case_id)
        row = s.get(RegisterEvidence, case.register_evidence_id) if case.register_evidence_id else None
        return (dict(row.face_match), list(row.reasons)) if row else (None, None)


def test_a_phone_alone_reaches_awaiting_review_and_an_officer_approval_logs_in_showing_the_route(
        app, idp, journey, holder, cli, demo):
    seed_photo(idp)
    to_register_step(journey)
    page = journey.get("/enroll/register").get_data(as_text=True)
    assert "Check my passport" in page and 'name="route" value="passport"' in page  # the chip route stays offered
    response = register_check(journey)
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/selfie")
    answer = selfie(journey).get_json()
    assert answer["ok"] and answer["done"], answer
    case = journey.case()
    faces, _ = evidence_of(idp, case.id)
    assert faces["register_photo"]["decision"] == "match" and "page_portrait" not in faces
    assert "no chip was read" not in journey.get("/enroll/review").get_data(as_text=True)
    assert journey.submit().status_code == 302
    case = journey.case()
    assert case.status == AWAITING_REVIEW and case.decision_reasons == ["register_photo_route"]
    assert case.route == "register_photo" and case.chip_at is None and case.pinfl == HOLDER.personal_number

    shown = cli("enrollment", "show", case.id, as_json=True)
    assert shown["route"] == "register_photo" and shown["chip_reads"] == []
    assert [(r["accepted"], r["face_match"]) for r in shown["register_checks"]] == [
        (True, {"register_photo": "match"})]
    # a reviewer's approval (enrollment's lifecycle transition, as the consular portal calls it), then activation
    assert "approved" in cli("enrollment", "approve", case.id, "--by", "consul-1").output
    assert journey.case().status == APPROVED
    from test_activation import PORTAL, account_of, activation_path, set_up_app

    assert journey.get(activation_path(journey)).status_code == 302
    response, _secret = set_up_app(journey)
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/done")
    account = account_of(idp)
    assert (account.identity_level, account.proofing_method) == ("substantial", "remote_register_photo")
    assert account.person.residency == "non_resident"

    sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
    from oidc_helpers import RP
    from idp.demo import PORTAL_SECRET

    rp = RP(journey.http, app, secret=PORTAL_SECRET, scope="openid profile pinfl", **PORTAL)
    _params, response = rp.authorize(acr_values="http://eidas.europa.eu/LoA/substantial")
    tokens = rp.token(rp.follow_to_code(response)["code"]).get_json()
    claims = rp.decode_id_token(tokens["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/substantial"
    userinfo = journey.http.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).get_json()
    assert userinfo["proofing_method"] == "remote_register_photo" and userinfo["residency"] == "non_resident"


def test_a_selfie_of_someone_else_than_the_register_photo_is_refused(idp, journey, holder):
    seed_photo(idp, "astronaut")
    to_register_step(journey)
    assert register_check(journey).status_code == 302
    assert selfie(journey, "grace_hopper").get_json()["done"]
    faces, _ = evidence_of(idp, journey.case().id)
    assert faces["register_photo"]["decision"] == "no_match"
    journey.submit()
    case = journey.case()
    assert case.status == REJECTED and case.decision_reasons == ["register_photo_mismatch"]
    assert lifecycle.is_overridable(case)  # the person is known: an officer may still look at it


def test_a_document_that_differs_from_the_register_is_refused_at_the_register_check(idp, journey, holder):
    seed_photo(idp)
    other_expiry = HOLDER.date_of_expiry.replace(year=HOLDER.date_of_expiry.year + 1)
    from nfc.testing import Identity

    typed = Identity(surname=HOLDER.surname, given_names=HOLDER.given_names,
                     document_number=HOLDER.document_number, date_of_birth=HOLDER.date_of_birth,
                     date_of_expiry=other_expiry, sex=HOLDER.sex, personal_number=HOLDER.personal_number)
    to_register_step(journey, typed)
    response = register_check(journey)
    assert response.status_code == 400
    assert "differs from the one the population register holds" in response.get_data(as_text=True)
    case = journey.case()
    assert case.status == IN_PROGRESS and case.register_at is None and case.pinfl is None
    assert evidence_of(idp, case.id) == (None, None)
    with idp.db.transaction() as s:
        refused = s.scalars(select(RegisterEvidence).where(RegisterEvidence.case_id == case.id)).one()
        assert refused.reasons == ["register_expiry_mismatch"] and not refused.accepted
    # the selfie cannot be reached past a refused check
    assert journey.get("/enroll/selfie").headers["Location"].endswith("/enroll/register")


def test_a_passport_unknown_to_the_register_or_without_a_photo_is_refused(idp, journey, holder):
    to_register_step(journey)  # the register knows the passport but holds no photo for it
    response = register_check(journey)
    assert response.status_code == 400 and "holds no photo for this passport" in response.get_data(as_text=True)


def test_an_expired_passport_is_refused(idp, journey, holder, today):
    seed_photo(idp)
    assert journey.start(route="register_photo").status_code == 302
    journey.contact()
    journey.verify_email()
    expired = HOLDER.date_of_expiry.replace(year=today.year - 1)
    response = journey.document(HOLDER, **{"expiry_date": expired.isoformat(),
                                           "expiry_digit": __import__("nfc").check_digit(expired.strftime("%y%m%d"))})
    assert response.status_code == 400 and "Your passport has expired" in response.get_data(as_text=True)
    assert journey.case().document_at is None


def test_the_officer_sees_the_route_the_register_photo_and_each_face_match(app, idp, journey, holder):
    from consular.services import evidence as consular_evidence

    seed_photo(idp)
    to_register_step(journey)
    register_check(journey)
    selfie(journey)
    journey.submit()
    case_id = journey.case().id
    enrollment = app.extensions["enrollment"]
    from enrollment.services.faces import FaceComparer

    with idp.db.transaction() as s:
        case = s.get(EnrollmentCase, case_id)
        found = consular_evidence.gather(s, case, cipher=enrollment.cipher, registry=idp.registry, state=idp.state,
                                         faces=FaceComparer(enrollment.biometrics_settings()).analyzer)
        assert found.route == "register_photo" and found.chip is None
        assert found.register_photo == sample_portrait("grace_hopper") and found.page_portrait is None
        assert found.best_frame is not None and found.frame_count == 10
        assert found.face_matches["register_photo"]["decision"] == "match"
        assert found.register.accepted and found.register.mrz_source == "form"
        assert found.register.register_match == {"found": True, "document_number": True, "birth_date": True,
                                                  "expiry_date": True, "citizenship": True, "photo": True}


def test_the_register_check_is_not_an_oracle_for_many_documents(app, idp, journey, holder):
    to_register_step(journey)  # no photo: each check is refused
    budget = app.extensions["enrollment"].config.chip_attempts
    for _ in range(budget):
        assert "holds no photo" in register_check(journey).get_data(as_text=True)
    seed_photo(idp)
    response = register_check(journey)
    assert response.status_code == 400 and "You have used every attempt" in response.get_data(as_text=True)
    assert journey.case().register_at is None


def test_idp_demo_seeds_a_register_photo_and_says_how_to_try_the_phone_alone_route(idp):
    from enrollment import demo as enrollment_demo

    with idp.db.transaction() as s:
        enrollment_demo.seed(s, environment="test")
    number, birth = enrollment_demo.ABROAD[9], enrollment_demo.ABROAD[7]
    assert EmbeddedRegistry(idp.db, environment="test").document_photo(number, birth) == sample_portrait(
        "grace_hopper")
    text = enrollment_demo.instructions({"fields": [(number, 1), (birth.isoformat(), 2), ("2032-08-08", 3)],
                                         "passport": "P.json", "name": "Gulnora Nazarova"}, "http://localhost")
    assert "With a phone alone" in text and "Check my passport" in text
