"""Register correction requests: the citizen asks in the cabinet (one open
request per field, a few in all, a few a day), may withdraw while it is open;
an operator answers with `idp cabinet corrections`, the citizen hears of it
by e-mail in their language, and the person is re-read from the register
when it was corrected. Nobody reaches another account's request by its id;
the export holds the requests and deletion erases them."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from idp.cabinet import corrections
from idp.cabinet.models import CorrectionRequest
from oidc_helpers import csrf_from

AZIZ, DILNOZA = "31503901234567", "42207851234568"
PASSWORD = "demo-password-2026"


def _login(app, pinfl, lang="en"):
    client = app.test_client()
    page = client.get(f"/login?lang={lang}").get_data(as_text=True)
    response = client.post(f"/login?lang={lang}", data={"identifier": pinfl, "password": PASSWORD,
                                                        "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return client


@pytest.fixture
def citizen(app, demo):
    return _login(app, AZIZ)


def _submit(client, field, value, explanation="My passport says otherwise."):
    token = csrf_from(client.get(f"/cabinet/corrections/new?field={field}&lang=en").get_data(as_text=True))
    return client.post("/cabinet/corrections/new?lang=en",
                       data={"csrf_token": token, "field": field, "value": value, "explanation": explanation})


def _rows(idp):
    with idp.db.transaction() as s:
        rows = list(s.scalars(select(CorrectionRequest).order_by(CorrectionRequest.created_at)))
        s.expunge_all()
        return rows


def _withdraw(client, request_id):
    token = csrf_from(client.get("/cabinet/corrections/new?lang=en").get_data(as_text=True))
    return client.post(f"/cabinet/corrections/{request_id}/withdraw?lang=en", data={"csrf_token": token})


def _audit(idp, event):
    from idp.audit.models import AuditEvent

    with idp.db.transaction() as s:
        return [e.data for e in s.scalars(select(AuditEvent).where(AuditEvent.event == event))]


def _mail(idp, recipient):
    from idp.notify.models import OutboxMessage

    with idp.db.transaction() as s:
        return [(m.subject, m.body) for m in s.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == recipient).order_by(OutboxMessage.created_at))]


def test_each_register_field_offers_a_correction(citizen):
    page = citizen.get("/cabinet/corrections?lang=en").get_data(as_text=True)
    assert "Karimov" in page and "Рустамович" in page and "March 15, 1990" in page and "AA1234567" in page
    for field in corrections.FIELDS:
        assert f"/cabinet/corrections/new?field={field}" in page
    form = citizen.get("/cabinet/corrections/new?field=family_name&lang=en").get_data(as_text=True)
    assert 'name="field" value="family_name"' in form and "Karimov" in form
    assert "/cabinet/corrections" in citizen.get("/?lang=en").get_data(as_text=True)


def test_submit_binds_the_request_to_the_logged_in_account(idp, citizen):
    response = _submit(citizen, "family_name", "  Karimov-Aliyev ", "The marriage certificate changed it.")
    assert response.status_code == 302 and "done=sent" in response.headers["Location"]
    (row,) = _rows(idp)
    assert (row.field, row.current_value, row.requested_value, row.status) == (
        "family_name", "Karimov", "Karimov-Aliyev", "submitted")
    with idp.db.transaction() as s:
        from idp.people.models import Account, Person

        assert row.account_id == s.scalars(select(Account.id).join(Person).where(Person.pinfl == AZIZ)).one()
    page = citizen.get("/cabinet/corrections?done=sent&lang=en").get_data(as_text=True)
    assert "Your request was sent" in page and "Karimov-Aliyev" in page and "Sent, waiting for an operator" in page
    # No personal value in the audit record: only the request, the field and the status.
    assert _audit(idp, "correction.submitted") == [{"request": row.id, "field": "family_name", "status": "submitted"}]
    # Dates typed the way people write them are kept as dates and shown in words.
    assert _submit(citizen, "birth_date", "16.03.1990").status_code == 302
    assert "March 16, 1990" in citizen.get("/cabinet/corrections?lang=en").get_data(as_text=True)


def test_the_form_needs_its_csrf_token(citizen):
    response = citizen.post("/cabinet/corrections/new", data={"field": "given_name", "value": "Azizbek",
                                                              "explanation": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("field, value, explanation, sentence", [
    ("given_name", "", "why", "Write the correct value."),
    ("given_name", "A" * 101, "why", "at most 100 characters"),
    ("given_name", "Azizbek", "   ", "Say why the register"),
    ("given_name", "Azizbek", "x" * 1001, "at most 1000 characters"),
    ("given_name", "Aziz", "why", "the register already holds"),
    ("birth_date", "1990-03-15", "why", "the register already holds"),
    ("birth_date", "yesterday", "why", "day, month and year"),
    ("sex", "X", "why", "male or female"),
    ("citizenship", "Uzbek", "why", "three-letter code"),
    ("document_number", "№ 12", "why", "5 to 20 Latin letters"),
    ("pinfl", "12345678901234", "why", "Choose which data to correct."),
])
def test_bad_input_is_a_sentence_not_a_request(idp, citizen, field, value, explanation, sentence):
    response = _submit(citizen, field, value, explanation)
    assert response.status_code == 400 and sentence in response.get_data(as_text=True)
    assert _rows(idp) == []


def test_one_open_request_per_field(idp, citizen):
    assert _submit(citizen, "given_name", "Azizbek").status_code == 302
    again = _submit(citizen, "given_name", "Azizjon")
    assert again.status_code == 400 and "already have an open request" in again.get_data(as_text=True)
    (row,) = _rows(idp)
    assert _withdraw(citizen, row.id).status_code == 302
    assert _submit(citizen, "given_name", "Azizjon").status_code == 302  # closed ones do not count


def test_open_requests_are_capped_and_so_are_requests_a_day(idp, citizen):
    fields = ["family_name", "given_name", "patronymic", "family_name_cyr", "given_name_cyr"]
    for field in fields:
        assert _submit(citizen, field, "Corrected").status_code == 302
    capped = _submit(citizen, "patronymic_cyr", "Corrected")
    assert capped.status_code == 400 and "5 open requests" in capped.get_data(as_text=True)
    rows = _rows(idp)
    for row in rows:  # withdrawing frees the queue, but not the day's allowance
        _withdraw(citizen, row.id)
    for field in fields:
        assert _submit(citizen, field, "Again").status_code == 302
    with idp.db.transaction() as s:
        for row in s.scalars(select(CorrectionRequest).where(CorrectionRequest.status == "submitted")):
            corrections.withdraw(s, row.account_id, row.id)
    daily = _submit(citizen, "sex", "F")
    assert daily.status_code == 400 and "too many requests today" in daily.get_data(as_text=True)
    with idp.db.transaction() as s:  # a day later the allowance is back
        for row in s.scalars(select(CorrectionRequest)):
            row.created_at = row.created_at - dt.timedelta(days=1, minutes=1)
    assert _submit(citizen, "sex", "F").status_code == 302


def test_withdraw_closes_an_open_request_once(idp, citizen):
    _submit(citizen, "patronymic", "Rustamovich-o‘g‘li")
    (row,) = _rows(idp)
    response = _withdraw(citizen, row.id)
    assert response.status_code == 302 and "done=withdrawn" in response.headers["Location"]
    assert _rows(idp)[0].status == "withdrawn" and _rows(idp)[0].open_field is None
    again = _withdraw(citizen, row.id)
    assert again.status_code == 409 and "no longer open" in again.get_data(as_text=True)
    assert _audit(idp, "correction.withdrawn") == [{"request": row.id, "field": "patronymic", "status": "withdrawn"}]


def test_another_account_cannot_see_or_withdraw_a_request(app, idp, citizen):
    _submit(citizen, "given_name", "Azizbek")
    (row,) = _rows(idp)
    other = _login(app, DILNOZA)
    assert other.get(f"/cabinet/corrections/{row.id}").status_code == 404
    token = csrf_from(other.get("/cabinet/corrections/new?lang=en").get_data(as_text=True))
    assert other.post(f"/cabinet/corrections/{row.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert "Azizbek" not in other.get("/cabinet/corrections?lang=en").get_data(as_text=True)
    assert _rows(idp)[0].status == "submitted"
    assert citizen.get(f"/cabinet/corrections/{row.id}?lang=en").status_code == 200
    assert app.test_client().get(f"/cabinet/corrections/{row.id}").status_code == 302  # not logged in


def test_transitions_are_refused_out_of_order(idp, citizen):
    _submit(citizen, "given_name", "Azizbek")
    (row,) = _rows(idp)
    with idp.db.transaction() as s:
        corrections.withdraw(s, row.account_id, row.id)
    with idp.db.transaction() as s:
        for move in (lambda: corrections.review(s, row.id, "op"),
                     lambda: corrections.decide(s, row.id, "done", "ok", "op"),
                     lambda: corrections.withdraw(s, row.account_id, row.id)):
            with pytest.raises(corrections.CorrectionError) as refused:
                move()
            assert refused.value.code == "not_open"
        with pytest.raises(corrections.CorrectionError):
            corrections.decide(s, row.id, "withdrawn", "ok", "op")  # not an operator's outcome


@pytest.fixture
def operator(app, idp, monkeypatch):
    monkeypatch.setattr("idp.cabinet.cli.app_services", lambda: (app, idp))
    from idp.cli import main

    def run(*args):
        result = CliRunner().invoke(main, ["cabinet", "corrections", *args])
        return result

    return run


def _set_locale(idp, pinfl, locale):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        s.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).one().locale = locale


def test_operator_reviews_and_corrects_through_the_cli(idp, citizen, operator):
    from idp.people.models import Person, RegisterEntry

    _set_locale(idp, AZIZ, "ru")
    _submit(citizen, "family_name", "Karimov-Aliyev", "Marriage certificate.")
    (row,) = _rows(idp)
    listed = operator("list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [r["id"] for r in json.loads(listed.output)] == [row.id]
    shown = json.loads(operator("show", row.id, "--json").output)
    assert shown["pinfl"] == AZIZ and shown["requested_value"] == "Karimov-Aliyev"
    assert operator("review", row.id, "--by", "Operator Sobirov").exit_code == 0
    assert _rows(idp)[0].status == "in_review"
    with idp.db.transaction() as s:  # the register (another system) is corrected there
        s.get(RegisterEntry, AZIZ).family_name = "Karimov-Aliyev"
    done = operator("decide", row.id, "--done", "--answer", "Исправлено по свидетельству.", "--by",
                    "Operator Sobirov", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["refreshed_from_register"] is True
    (row,) = _rows(idp)
    assert (row.status, row.answer, row.decided_by, row.open_field) == (
        "done", "Исправлено по свидетельству.", "Operator Sobirov", None)
    with idp.db.transaction() as s:
        assert s.scalars(select(Person.family_name).where(Person.pinfl == AZIZ)).one() == "Karimov-Aliyev"
    # The citizen was told twice, in Russian, with a link built from the issuer.
    mails = _mail(idp, "aziz@example.uz")
    assert len(mails) == 2
    assert "проверяет" in mails[0][1] and "Фамилия" in mails[0][1]
    assert "исправлен" in mails[1][1].lower() and f"http://localhost/cabinet/corrections/{row.id}" in mails[1][1]
    assert "Karimov-Aliyev" not in mails[1][1]  # values stay in the cabinet
    assert [d["status"] for d in _audit(idp, "correction.in_review") + _audit(idp, "correction.done")] == [
        "in_review", "done"]
    assert all(set(d) == {"request", "field", "status"} for d in _audit(idp, "correction.done"))
    page = citizen.get(f"/cabinet/corrections/{row.id}?lang=en").get_data(as_text=True)
    assert "Corrected in the register" in page and "Исправлено по свидетельству." in page
    assert operator("list", "--json").output.strip() == "[]"
    assert [r["id"] for r in json.loads(operator("list", "--status", "done", "--json").output)] == [row.id]


def test_operator_refuses_in_the_citizens_language_and_cannot_decide_twice(idp, citizen, operator):
    _set_locale(idp, AZIZ, "uz_Cyrl")
    _submit(citizen, "citizenship", "kaz")
    (row,) = _rows(idp)
    refused = operator("decide", row.id, "--refuse", "--answer", "No document shows it.", "--by", "op")
    assert refused.exit_code == 0, refused.output
    assert _rows(idp)[0].status == "refused" and _rows(idp)[0].requested_value == "KAZ"
    (mail,) = _mail(idp, "aziz@example.uz")
    assert "рад этилди" in mail[1] and "Фуқаролик" in mail[1]  # Uzbek in Cyrillic script
    again = operator("decide", row.id, "--done", "--answer", "x", "--by", "op")
    assert again.exit_code != 0 and "no longer open" in again.output and "Traceback" not in again.output
    assert operator("decide", row.id, "--answer", "x", "--by", "op").exit_code != 0  # neither --done nor --refuse
    assert operator("show", "no-such-id").exit_code != 0


def test_a_withdrawn_request_cannot_be_decided(idp, citizen, operator):
    _submit(citizen, "given_name", "Azizbek")
    (row,) = _rows(idp)
    _withdraw(citizen, row.id)
    result = operator("decide", row.id, "--done", "--answer", "ok", "--by", "op")
    assert result.exit_code != 0 and "no longer open" in result.output
    assert _rows(idp)[0].status == "withdrawn" and _mail(idp, "aziz@example.uz") == []


def test_a_citizen_without_a_verified_address_gets_no_mail_and_nothing_breaks(app, idp, demo, operator):
    client = _login(app, DILNOZA)
    _submit(client, "given_name", "Dilnozaxon")
    (row,) = _rows(idp)
    assert operator("decide", row.id, "--refuse", "--answer", "No.", "--by", "op").exit_code == 0
    from idp.notify.models import OutboxMessage

    with idp.db.transaction() as s:
        assert s.scalars(select(OutboxMessage)).all() == []


def test_export_holds_the_requests(idp, citizen):
    _submit(citizen, "given_name", "Azizbek", "Birth certificate.")
    data = citizen.get("/cabinet/export.json").get_json()
    (item,) = data["correction_requests"]
    assert item["field"] == "given_name" and item["requested_value"] == "Azizbek"
    assert item["current_value"] == "Aziz" and item["explanation"] == "Birth certificate."
    assert item["status"] == "submitted" and "decided_by" not in item
    assert "/cabinet/corrections" in citizen.get("/cabinet/export?lang=en").get_data(as_text=True)


def test_deletion_erases_the_requests(app, idp, citizen):
    from idp.cabinet import deletion

    _submit(citizen, "given_name", "Azizbek")
    token = csrf_from(citizen.get("/cabinet/delete?lang=en").get_data(as_text=True))
    citizen.post("/cabinet/delete", data={"csrf_token": token, "confirm": "yes"})
    with app.app_context():
        later = dt.datetime.now(dt.timezone.utc) + deletion.WAITING + dt.timedelta(minutes=1)
        assert deletion.erase_due(idp, now=later) == 1
        idp.db.session.commit()
    assert _rows(idp) == []
    assert _audit(idp, "correction.submitted")  # the audit keeps only the ids


@pytest.mark.parametrize("lang, title", [("uz", "Reyestrdagi"), ("uz-Cyrl", "Реестрдаги"), ("ru", "реестр"),
                                         ("en", "Correct my register data")])
def test_pages_render_in_every_language(idp, citizen, lang, title):
    _submit(citizen, "birth_date", "1990-03-16")
    (row,) = _rows(idp)
    for path in ("/cabinet/corrections", "/cabinet/corrections/new?field=sex", "/cabinet/corrections/new",
                 f"/cabinet/corrections/{row.id}"):
        response = citizen.get(f"{path}?lang={lang}" if "?" not in path else f"{path}&lang={lang}")
        assert response.status_code == 200, path
        assert "1990-03-16" not in response.get_data(as_text=True)  # never an ISO date
    page = citizen.get(f"/cabinet/corrections?lang={lang}").get_data(as_text=True)
    assert title.lower() in page.lower()


def _aziz(session):
    from idp.people.models import Account, Person

    return session.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ)).one()


def test_the_database_refuses_a_second_open_request_for_a_field(idp, demo):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with idp.db.transaction() as s:
            account_id = _aziz(s).id
            for value in ("A", "B"):
                s.add(CorrectionRequest(account_id=account_id, field="given_name", open_field="given_name",
                                        requested_value=value, explanation="x", status="submitted"))
                s.flush()


def test_concurrent_requests_cannot_pass_the_cap_together(idp, demo, database_url):
    """Two requests at once when four are open: the second waits for the
    first and is refused, instead of both counting four and both getting in."""
    import threading

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time; the row lock matters on PostgreSQL")
    with idp.db.transaction() as s:
        for field in ("family_name", "given_name", "patronymic", "family_name_cyr"):
            corrections.submit(s, _aziz(s), field, "Corrected", "why")
    first_in, release, outcome = threading.Event(), threading.Event(), {}

    def first():
        with idp.db.transaction() as s:
            corrections.submit(s, _aziz(s), "given_name_cyr", "Corrected", "why")
            first_in.set()
            release.wait(10)

    def second():
        try:
            with idp.db.transaction() as s:
                corrections.submit(s, _aziz(s), "patronymic_cyr", "Corrected", "why")
            outcome["second"] = "sent"
        except corrections.CorrectionError as exc:
            outcome["second"] = exc.code

    a = threading.Thread(target=first)
    a.start()
    assert first_in.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.5)
    waited = b.is_alive()
    release.set()
    a.join(10)
    b.join(10)
    assert waited and outcome == {"second": "too_many_open"}
    with idp.db.transaction() as s:
        assert len(corrections.queue(s)) == corrections.MAX_OPEN
