"""Consular benchmark: what the officers' portal and the desk cost the server.

    python benchmarks/bench_consular.py [--cases 1000] [--bookers 8]

In-process (the Flask test client, no network), SQLite in a temporary
directory, pinned to one CPU core. Prints, best of several runs:

* the review queue: routing `--cases` new cases, loading one consulate's
  queue with them, and the queue page over HTTP;
* the case page: evidence with the best-frame choice (dlib on up to six
  frames) the first time, and from the cache after;
* the last-place race: `--bookers` threads booking a slot with 3 places at
  once (exactly 3 must get it), and one booking's cost;
* the desk: a chip reading verified (nfc) and recorded, a photo analysed and
  matched to the chip portrait (dlib), an activation code issued and checked;
* a whole in-person journey over HTTP, booking to passkey activation, and
  journeys per core-second.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (ROOT, os.path.join(ROOT, "tests"), os.path.join(ROOT, "tests", "consular"),
             os.path.join(ROOT, "tests", "passkeys")):
    sys.path.insert(0, path)
os.environ.setdefault("IDP_ENV", "test")

from benchutil import best, pin_one_core  # noqa: E402


def make_app(workdir: str, csca_dir: str):
    from idp.app import create_app
    from idp.demo import seed

    app = create_app({"env": "test", "database_url": f"sqlite:///{workdir}/idp.sqlite", "issuer": "http://localhost",
                      "csca_dir": csca_dir, "liveness_engine": "test", "argon2_memory_kib": 1024,
                      "argon2_time_cost": 1, "ratelimit_login": "100000/minute"})
    idp = app.extensions["idp"]
    idp.db.create_all()
    idp.warm()
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
        seed(s, idp.passwords, portal_url="http://rp.example", environment="test")
    return app, idp


def add_people(idp, count: int, start: int = 0) -> list[tuple]:
    import datetime as dt

    from idp.people.models import RegisterEntry

    people = []
    with idp.db.transaction() as s:
        for i in range(start, start + count):
            pinfl = f"3{i:013d}"
            person = (pinfl, "Benchmarkov", "Test", "1990-01-01", "M", f"FB{i:07d}")
            s.add(RegisterEntry(pinfl=pinfl, family_name="Benchmarkov", given_name="Test", patronymic=None,
                                birth_date=dt.date(1990, 1, 1), sex="M", citizenship="UZB",
                                document_number=person[5], document_expiry=dt.date(2032, 1, 31)))
            people.append(person)
    return people


def officer_portal(app, idp):
    from consular_people import PASSWORD, ROLES, STAFF
    from consular_portal import Portal
    from soft_authenticator import SoftAuthenticator

    from idp.auth.services import find_account
    from idp.people.services import create_user

    from consular.services import officers

    with idp.db.transaction() as s:
        for key in ("officer", "supervisor"):
            pinfl, given, family, email = STAFF[key]
            if find_account(s, pinfl) is None:
                create_user(s, idp.passwords, pinfl=pinfl, password=PASSWORD, given_name=given, family_name=family,
                            email=email)
            officers.grant(s, identifier=pinfl, consulate_code=ROLES[key][0], role=ROLES[key][1])
    portal = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    portal.add_passkey()
    portal.portal_login()
    return portal


def bench_queue(app, idp, faces, cases: int, portal) -> None:
    from consular_cases import make_case

    from consular.services import consulates, queue

    people = add_people(idp, cases)
    print(f"review queue ({cases} cases at one consulate)")
    for i, person in enumerate(people):
        make_case(idp, app.extensions["enrollment"].cipher, faces, citizen=person, email=f"c{i}@example.org",
                  submitted_hours_ago=(i % 100) + 1, flags=("face_match_uncertain",) if i % 7 == 0 else ())
    start = time.perf_counter()
    with idp.db.transaction() as s:
        routed = queue.route_new_cases(s)
    route_ms = (time.perf_counter() - start) * 1000
    print(f"  routing {routed} new cases            {route_ms:8.1f} ms  ({route_ms / routed:.2f} ms per case)")
    with idp.db.transaction() as s:
        consulate = consulates.find(s, "MOW")

    def load():
        with idp.db.transaction() as s:
            return queue.load(s, consulate.id, target_hours=72)

    result = load()
    per_load = best(load, 5) * 1000
    print(f"  queue.load, {result.total} open cases          {per_load:8.1f} ms")
    page = best(lambda: portal.page("/consular/officer/MOW/queue"), 5) * 1000
    print(f"  queue page over HTTP (200 rows shown) {page:8.1f} ms")


def bench_case_page(app, idp, faces, portal) -> None:
    from consular_cases import make_case

    [person] = add_people(idp, 1, start=900000)
    case = make_case(idp, app.extensions["enrollment"].cipher, faces, citizen=person, email="page@example.org",
                     images=True)
    app.extensions["consular"].faces.analyze(faces["hopper"], role="selfie")  # the models, loaded once per process
    start = time.perf_counter()
    portal.page(f"/consular/officer/MOW/cases/{case}")
    first = (time.perf_counter() - start) * 1000
    cached = best(lambda: portal.page(f"/consular/officer/MOW/cases/{case}"), 5) * 1000
    print("case page (chip portrait, 3 selfie frames)")
    print(f"  first opening (best frame chosen)     {first:8.1f} ms")
    print(f"  later openings (cached choice)        {cached:8.1f} ms   ratio {first / cached:.1f}x")


def bench_booking(app, idp, bookers: int) -> None:
    import datetime as dt

    from consular.errors import BookingError
    from consular.models import Slot
    from consular.services import appointments, consulates

    with idp.db.transaction() as s:
        consulate = consulates.find(s, "IST")
        slot = Slot(consulate_id=consulate.id, minutes=20, capacity=3,
                    starts_at=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)).replace(microsecond=0))
        s.add(slot)
        s.flush()
        slot_id = slot.id
    key = app.extensions["consular"].link_key
    results = []
    barrier = threading.Barrier(bookers)

    def attempt(i: int) -> None:
        barrier.wait()
        for _ in range(20):
            try:
                with idp.db.transaction() as s:
                    appointments.book(s, slot_id=slot_id, email=f"race{i}@example.org", locale="en", link_key=key)
                results.append("booked")
                return
            except BookingError as exc:
                results.append(exc.code)
                return
            except Exception as exc:  # SQLite busy: retry as a browser would
                if "locked" not in str(exc):
                    raise
                time.sleep(0.01)
        results.append("gave up")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(bookers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = (time.perf_counter() - start) * 1000
    with idp.db.transaction() as s:
        booked = s.get(Slot, slot_id).booked
    print(f"last-place race ({bookers} bookers, 3 places)")
    print(f"  booked {results.count('booked')}, refused slot_full {results.count('slot_full')}, "
          f"slot.booked = {booked}, all in {elapsed:.0f} ms")
    counter = iter(range(10**6))
    slots = []
    with idp.db.transaction() as s:
        for i in range(40):
            row = Slot(consulate_id=consulate.id, minutes=20, capacity=1,
                       starts_at=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=6, minutes=20 * i))
                       .replace(microsecond=0))
            s.add(row)
            s.flush()
            slots.append(row.id)

    def one():
        n = next(counter)
        with idp.db.transaction() as s:
            appointments.book(s, slot_id=slots[n], email=f"single{n}@example.org", locale="en", link_key=key)

    per = best(one, 4, number=10) * 1000
    print(f"  one booking (service, committed)      {per:8.2f} ms")


def bench_desk(app, idp, faces, pki) -> None:
    import datetime as dt

    from consular_desk import upload_for
    from nfc.testing import Identity, make_passport

    from consular import foureyes
    from consular.models import Visit
    from consular.services import activation, consulates, desk_chip, desk_photo, visits

    svc = app.extensions["consular"]
    [person] = add_people(idp, 1, start=950000)
    identity = Identity(surname="BENCHMARKOV", given_names="TEST", document_number=person[5],
                        date_of_birth=dt.date(1990, 1, 1), date_of_expiry=dt.date(2032, 1, 31), sex="M",
                        personal_number=person[0])
    passport = make_passport(pki, identity, portrait=faces["hopper_portrait"], aa_key="ec-p256")
    with idp.db.transaction() as s:
        consulate = consulates.find(s, "MOW")
        visit = Visit(consulate_id=consulate.id, opened_by="bench", email="desk@example.org")
        s.add(visit)
        s.flush()
        visits.record_document(s, visit, idp.registry, officer_id="bench", document_number=person[5],
                               birth_date=dt.date(1990, 1, 1), expiry_date=dt.date(2032, 1, 31),
                               passport_checked=True)
        visit_id = visit.id
    trust = svc.trust_store()
    faces_engine = svc.faces

    def chip():
        nonce, _ = desk_chip.issue_nonce(idp.state, visit_id)
        payload = upload_for(passport, nonce)
        with idp.db.transaction() as s:
            v = s.get(Visit, visit_id)
            assert desk_chip.verify_upload(s, v, payload, nonce=desk_chip.take_nonce(idp.state, visit_id),
                                           trust_store=trust, registry=idp.registry, cipher=svc.cipher, actor="b")

    def photo():
        with idp.db.transaction() as s:
            v = s.get(Visit, visit_id)
            outcome = desk_photo.take_photo(s, v, faces["hopper"], faces=faces_engine, cipher=svc.cipher, actor="b")
            assert outcome.accepted and outcome.decision == "match"

    faces_engine.analyze(faces["hopper"], role="selfie")  # models loaded before timing
    chip_ms, photo_ms = best(chip, 5) * 1000, best(photo, 3) * 1000
    with idp.db.transaction() as s:
        v = s.get(Visit, visit_id)
        visits.approve(s, v, actor=foureyes.Actor("bench-officer", "officer"))

    def code():
        with idp.db.transaction() as s:
            _row, printed = activation.issue(s, s.get(Visit, visit_id), by="bench-officer")
        with idp.db.transaction() as s:
            activation.check(s, printed)

    code_ms = best(code, 5, number=5) * 1000
    print("desk (one visit)")
    print(f"  chip reading verified and recorded    {chip_ms:8.1f} ms")
    print(f"  photo analysed and matched (dlib)     {photo_ms:8.1f} ms   ratio to the chip {photo_ms / chip_ms:.1f}x")
    print(f"  activation code issued and checked    {code_ms:8.2f} ms")


def bench_journey(app, idp, faces, passport_of, portal_factory, journeys: int) -> None:
    from consular_citizen import Citizen
    from consular_desk import Desk
    from soft_authenticator import SoftAuthenticator

    people = add_people(idp, journeys, start=990000)
    times = []
    for i, person in enumerate(people):
        import datetime as dt

        from consular.models import Slot
        from consular.services import consulates

        with idp.db.transaction() as s:
            consulate = consulates.find(s, "MOW")
            slot = Slot(consulate_id=consulate.id, minutes=20, capacity=1,
                        starts_at=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8, minutes=20 * i))
                        .replace(second=0, microsecond=0))
            s.add(slot)
            s.flush()
            slot_id = slot.id
        start = time.perf_counter()
        citizen = Citizen(app, idp, f"journey{i}@example.org", SoftAuthenticator())
        reference, _ = citizen.book("MOW", slot_id)
        desk = Desk(portal_factory)
        visit = desk.arrive(reference)
        desk.record_passport(visit, person)
        desk.read_chip(visit, passport_of(person))
        desk.photo(visit, faces["hopper"])
        code = desk.printed_code(desk.approve(visit))
        assert citizen.enter_code(code).status_code == 302
        assert citizen.create_passkey().status_code == 200
        times.append(time.perf_counter() - start)
    fastest = min(times)
    print(f"in-person journey over HTTP ({journeys} journeys: booking, desk with chip and photo, activation)")
    median = sorted(times)[len(times) // 2]
    print(f"  one journey, fastest / median          {fastest * 1000:8.0f} ms / {median * 1000:.0f} ms")
    print(f"  journeys per core-second               {1 / fastest:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--bookers", type=int, default=8)
    parser.add_argument("--journeys", type=int, default=5)
    args = parser.parse_args()
    from nfc import CscaDirectory
    from nfc.testing import Identity, TestPKI, make_passport

    from consular_faces import load_faces

    core = pin_one_core()
    pki = TestPKI.create()
    faces = load_faces()
    with tempfile.TemporaryDirectory() as workdir:
        csca = os.path.join(workdir, "csca")
        store = CscaDirectory(csca)
        store.import_bytes(pki.csca_der, source="test PKI")
        store.import_bytes(pki.crl(), source="test PKI")
        app, idp = make_app(workdir, csca)
        print(f"consular benchmark, SQLite in a temporary directory, {core}\n")
        portal = officer_portal(app, idp)
        bench_case_page(app, idp, faces, portal)
        bench_desk(app, idp, faces, pki)
        bench_booking(app, idp, args.bookers)

        import datetime as dt

        def passport_of(person):
            identity = Identity(surname="BENCHMARKOV", given_names="TEST", document_number=person[5],
                                date_of_birth=dt.date(1990, 1, 1), date_of_expiry=dt.date(2032, 1, 31), sex="M",
                                personal_number=person[0])
            return make_passport(pki, identity, portrait=faces["hopper_portrait"], aa_key="ec-p256")

        bench_journey(app, idp, faces, passport_of, portal, args.journeys)
        bench_queue(app, idp, faces, args.cases, portal)
        idp.db.dispose()


if __name__ == "__main__":
    main()
