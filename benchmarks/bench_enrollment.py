"""Enrollment benchmark: what one remote enrollment costs the server.

    python benchmarks/bench_enrollment.py [--journeys 20]

In-process (the Flask test client, no network), SQLite in a temporary
directory, the test liveness engine (the real engine's cost is in
bench_biometrics.py), pinned to one CPU core. Prints, best of several runs:

* the chip step: nfc verification alone, the enrollment service around it
  (register match, claim, evidence, encrypted portrait, audit), and the
  reader's two HTTP calls; with the ratio of each to nfc alone;
* the selfie step's server work around the library (20 frames: decode,
  fingerprints in the state store, encryption, evidence);
* a whole journey from the start page to `awaiting_review` (every request a
  citizen's browser and the reader make), and journeys per core-second;
* biometric encryption throughput, and the retention purge per case.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "enrollment"))
os.environ.setdefault("IDP_ENV", "test")

from benchutil import best, pin_one_core  # noqa: E402


def make_app(workdir: str, pki):
    from nfc import CscaDirectory

    from idp.app import create_app

    csca = os.path.join(workdir, "csca")
    store = CscaDirectory(csca)
    store.import_bytes(pki.csca_der, source="bench")
    store.import_bytes(pki.crl(), source="bench")
    app = create_app({"env": "test", "database_url": f"sqlite:///{workdir}/bench.sqlite", "issuer": "http://localhost",
                      "csca_dir": csca, "liveness_engine": "test", "secret_key": "bench-" + "s" * 40,
                      "argon2_memory_kib": 1024, "argon2_time_cost": 1})
    idp = app.extensions["idp"]
    idp.db.create_all()
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
    return app, idp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=12)
    args = parser.parse_args()
    core = pin_one_core()

    import nfc
    from nfc.testing import TestPKI, make_passport
    from sqlalchemy import update

    from enrollment.models import EnrollmentCase
    from enrollment.services import chip as chip_service
    from enrollment.services import retention
    from enrollment.services.crypto import pack_frames
    from enrollment_journey import HOLDER, Journey, frames, register_holder, upload_for

    from enrollment.services import ratelimit

    # One browser and one address make every request here: lift the limits.
    for scope in ratelimit.LIMITS:
        ratelimit.LIMITS[scope] = ratelimit.Limit(10**6, 600)
    pki = TestPKI.create()
    passport = make_passport(pki, HOLDER)
    workdir = tempfile.mkdtemp(prefix="bench-enrollment-")
    app, idp = make_app(workdir, pki)
    register_holder(idp)
    svc = app.extensions["enrollment"]
    trust = svc.trust.get()
    key = nfc.DocumentKey.from_fields(HOLDER.document_number, HOLDER.date_of_birth, HOLDER.date_of_expiry)
    nonce = bytes(8)
    payload = upload_for(passport, nonce)
    print(f"enrollment benchmark ({core}, SQLite, test liveness engine, in-process)")

    # -- the chip step ----------------------------------------------------------------
    policy = chip_service.POLICY
    t_nfc = best(lambda: nfc.verify_chip_upload(payload, expected_nonce=nonce, trust_store=trust,
                                                expected_mrz=key, policy=policy), 5, 20)

    journey = Journey(app, idp, passport, email="bench@example.org")
    journey.through_document()
    case_id = journey.case().id

    def service_upload():
        with app.app_context():
            session = idp.db.session
            case = session.get(EnrollmentCase, case_id)
            case.chip_at = case.chip_evidence_id = case.pinfl = None
            case.chip_attempts = 0
            outcome = chip_service.verify_upload(session, case, payload, nonce=nonce, trust_store=trust,
                                                 registry=idp.registry, cipher=svc.cipher, max_attempts=10)
            assert outcome.accepted, outcome
            session.commit()

    t_service = best(service_upload, 5, 10)

    def reset_chip():
        with idp.db.transaction() as s:
            s.execute(update(EnrollmentCase).where(EnrollmentCase.id == case_id).values(
                chip_at=None, chip_evidence_id=None, pinfl=None, chip_attempts=0))
        from sqlalchemy import delete

        from enrollment.models import EnrollmentClaim

        with idp.db.transaction() as s:
            s.execute(delete(EnrollmentClaim))

    def reader_round_trip() -> float:
        reset_chip()
        journey.chip_page()  # the citizen's page issues the token (not timed)
        start = time.perf_counter()
        answer = journey.challenge()
        response = journey.upload(upload_for(passport, bytes.fromhex(answer.get_json()["nonce"])))
        elapsed = time.perf_counter() - start
        assert response.get_json()["outcome"] == "verified"
        return elapsed

    t_reader = min(reader_round_trip() for _ in range(20))
    t_chip_page = best(lambda: journey.get("/enroll/chip") if not reset_chip() else None, 5, 4)

    # -- the selfie step --------------------------------------------------------------
    reset_chip()
    journey.read_chip()
    sample = frames(20, seed=1)
    from biometrics import CapturedFrame

    captured = [CapturedFrame(f["t"], __import__("base64").b64decode(f["image"].split(",", 1)[1])) for f in sample]
    frame_bytes = sum(len(f.data) for f in captured)

    def selfie_upload():
        with idp.db.transaction() as s:
            s.execute(update(EnrollmentCase).where(EnrollmentCase.id == case_id).values(selfie_at=None,
                                                                                        selfie_evidence_id=None))
        result = journey.selfie(count=20, seed=None).get_json()
        assert result["done"], result

    t_selfie = best(selfie_upload, 3, 3)
    blob = pack_frames([(f.timestamp_ms, f.data) for f in captured])
    t_seal = best(lambda: svc.cipher.seal(case_id, "selfie_frames", blob), 5, 20)
    sealed = svc.cipher.seal(case_id, "selfie_frames", blob)
    t_open = best(lambda: svc.cipher.open(case_id, "selfie_frames", sealed), 5, 20)

    # -- whole journeys ---------------------------------------------------------------
    counts = []

    def whole_journey(i=[0]):  # noqa: B006 - a counter across calls
        i[0] += 1
        pinfl = f"4170590{i[0]:07d}"
        identity = HOLDER.__class__(**{**HOLDER.__dict__, "document_number": f"FB{i[0]:07d}",
                                       "personal_number": pinfl})
        register_holder(idp, identity, pinfl=pinfl)
        person = Journey(app, idp, make_passport(pki, identity), email=f"bench{i[0]}@example.org")
        before = person_requests(person)
        person.through_document(identity)
        assert person.read_chip().get_json()["outcome"] == "verified"
        assert person.selfie(count=12).get_json()["done"]
        person.submit()
        counts.append(person_requests(person) - before)

    t_journeys = []
    for _ in range(args.journeys):
        start = time.perf_counter()
        whole_journey()
        t_journeys.append(time.perf_counter() - start)
    t_journey = statistics.median(t_journeys)

    # -- retention ----------------------------------------------------------------------
    with idp.db.transaction() as s:
        s.execute(update(EnrollmentCase).where(EnrollmentCase.status == "awaiting_review").values(
            status="rejected", decided_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)))
    start = time.perf_counter()
    with idp.db.transaction() as s:
        report = retention.purge(s, retention_days=30)
    t_purge = (time.perf_counter() - start) / max(1, report.cases_purged)

    ms = lambda s: f"{s * 1000:8.2f} ms"  # noqa: E731
    print("\nchip step, per reading")
    print(f"  nfc.verify_chip_upload alone           {ms(t_nfc)}")
    print(f"  enrollment service (+ register, claim,  {ms(t_service)}   x{t_service / t_nfc:.2f} nfc alone")
    print("    evidence, encrypted portrait, audit)")
    print(f"  reader API: challenge + upload (HTTP)   {ms(t_reader)}   x{t_reader / t_nfc:.2f} nfc alone")
    print(f"  chip page with a new token and QR code  {ms(t_chip_page)}")
    print(f"\nselfie step, 20 frames ({frame_bytes / 1024:.0f} KiB), test engine")
    print(f"  challenge + upload (HTTP)               {ms(t_selfie)}")
    print(f"  encrypt the frames / decrypt them       {ms(t_seal)} / {ms(t_open)}"
          f"   ({len(blob) / t_seal / 2**20:.0f} / {len(blob) / t_open / 2**20:.0f} MiB/s)")
    print(f"\nwhole journey, start page to awaiting_review ({statistics.median(counts):.0f} requests)")
    print(f"  median over {len(t_journeys)} journeys             {ms(t_journey)}"
          f"   = {1 / t_journey:.1f} journeys per core-second")
    print(f"  chip reading share of a journey         {t_reader / t_journey:6.1%}")
    print(f"\nretention purge: {report.records_deleted} records of {report.cases_purged} cases, "
          f"{ms(t_purge)} per case")


def person_requests(person) -> int:
    """Requests made so far by this browser (counted by wrapping the client)."""
    client = person.http
    if not hasattr(client, "_bench_count"):
        client._bench_count = 0
        original = client.open

        def counted(*a, **k):
            client._bench_count += 1
            return original(*a, **k)

        client.open = counted
    return client._bench_count


if __name__ == "__main__":
    main()
