"""Findings of a review of the citizen alerts, register correction requests,
raising the identity level, the page scan's portrait, session places and the
consular booking confirmation, each with the test that fails without its fix."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from idp.cabinet.models import CorrectionRequest
from oidc_helpers import csrf_from

AZIZ = "31503901234567"
PASSWORD = "demo-password-2026"


def _login(app, pinfl=AZIZ, lang="en"):
    client = app.test_client()
    page = client.get(f"/login?lang={lang}").get_data(as_text=True)
    response = client.post(f"/login?lang={lang}", data={"identifier": pinfl, "password": PASSWORD,
                                                        "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return client


def _submit(client, field, value, explanation="My passport says otherwise."):
    token = csrf_from(client.get(f"/cabinet/corrections/new?field={field}&lang=en").get_data(as_text=True))
    return client.post("/cabinet/corrections/new?lang=en",
                       data={"csrf_token": token, "field": field, "value": value, "explanation": explanation})


def _rows(idp):
    with idp.db.transaction() as s:
        rows = list(s.scalars(select(CorrectionRequest)))
        s.expunge_all()
        return rows


def test_a_nul_byte_in_a_path_is_a_bad_request_not_a_database_error(app, demo):
    """PostgreSQL text cannot hold NUL: an id or code from the path went to the
    database as it was and the request failed with a 500."""
    client = _login(app)
    for url in ("/cabinet/corrections/%00", "/cabinet/corrections/%00/withdraw", "/consular/book/%00",
                "/consular/book/%00/confirm", "/enroll/activate/%00"):
        response = client.get(url) if not url.endswith("withdraw") else client.post(url)
        assert response.status_code == 400, url


def test_a_correction_request_refuses_terminal_escapes_and_bidi_overrides(app, idp, demo):
    """Operators read the values and explanation in a terminal (idp cabinet
    corrections show): escape sequences would act on it, and bidirectional
    overrides reorder what it shows."""
    client = _login(app)
    for value, explanation in (("\x1b]52;c;Y3VybCBldmlsfHNo\x07Karimova", "My passport says so."),
                               ("Karimov\u202eavomiraK", "My passport says so."),
                               ("Karimova", "See my passport.\x1b[2J\x1b[Hstatus: done"),
                               ("Karimova", "See my passport.\u2066 hidden \u2069")):
        response = _submit(client, "family_name", value, explanation)
        assert response.status_code == 400, (value, explanation)
        assert "invisible control characters" in response.get_data(as_text=True)
    assert _rows(idp) == []
    response = _submit(client, "family_name", "Karimova", "My new passport\r\nshows\tKarimova.")
    assert response.status_code == 302
    assert [r.explanation for r in _rows(idp)] == ["My new passport\nshows\tKarimova."]


def test_the_operator_command_shows_control_characters_as_escapes(app, idp, demo, monkeypatch):
    """A request stored before the check (or by another way in) cannot act on
    the operator's terminal, nor fake a line of the output."""
    from idp.cli import main
    from idp.db import utcnow
    from idp.people.models import Account, Person

    monkeypatch.setattr("idp.cabinet.cli.app_services", lambda: (app, idp))
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ)).one()
        row = CorrectionRequest(account_id=account.id, field="family_name", open_field="family_name",
                                current_value="Karimov", requested_value="\x1b[31mKarimova\u202e",
                                explanation="See it.\nstatus: done\x9b2J", status="submitted",
                                created_at=utcnow(), updated_at=utcnow())
        s.add(row)
        s.flush()
        request_id = row.id
    result = CliRunner().invoke(main, ["cabinet", "corrections", "show", request_id])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\x9b" not in result.output
    assert "\\u001b[31mKarimova\\u202e" in result.output
    assert "\nstatus: done" not in result.output and "\n  status: done\\u009b2J" in result.output


def test_two_finishes_of_one_raise_at_once_raise_the_level_once(idp, demo, database_url):
    """Two tabs (or devices) finishing one approved raise at the same moment:
    each read the case as approved, so both raised the level, recorded the
    activation and alerted the owner. The second now waits for the first's
    row lock and is refused."""
    import threading

    import pytest

    from enrollment.models import APPROVED, RAISE, EnrollmentCase
    from enrollment.services import activation, cases, lifecycle
    from idp.audit.models import AuditEvent
    from idp.db import utcnow
    from idp.people.models import Account, Person

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time; the row lock matters on PostgreSQL")
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ)).one()
        case, _key = cases.start_case(s, purpose=RAISE, route="passport", locale="en", lifetime_days=30,
                                      account_id=account.id)
        case.pinfl, case.status, case.decided_at, case.decided_by = AZIZ, APPROVED, utcnow(), "policy"
        case_id, account_id = case.id, account.id
    loaded, outcome = threading.Barrier(2, timeout=10), []

    def finish():
        with idp.db.transaction() as s:
            case, account = s.get(EnrollmentCase, case_id), s.get(Account, account_id)
            assert case.status == APPROVED
            loaded.wait()  # both have read the case as approved
            try:
                outcome.append(activation.raise_level(s, case, account))
            except lifecycle.RaiseRefused as exc:
                outcome.append(exc.code)

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcome, key=str) == [True, "case_not_approved"]
    with idp.db.transaction() as s:
        assert s.get(Account, account_id).identity_level == "substantial"
        raised = s.scalars(select(AuditEvent).where(AuditEvent.event == "account.identity_level_raised")).all()
        assert len(raised) == 1


def test_two_raise_starts_at_once_leave_one_open_case(app, idp, demo, database_url):
    """Two tabs starting a raise of the level at the same moment each found no
    open case and each opened one; the account's row lock makes the second
    see the first's case (which gives way, as a case in another browser does)."""
    import threading

    import pytest

    from enrollment.models import OPEN_STATUSES, RAISE, EnrollmentCase
    from enrollment.services import cases
    from idp.auth.models import LoginSession
    from idp.people.models import Account, Person

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time; the row lock matters on PostgreSQL")
    _login(app)
    with idp.db.transaction() as s:
        account_id = s.scalars(select(Account.id).join(Person).where(Person.pinfl == AZIZ)).one()
        login_id = s.scalars(select(LoginSession.id).where(LoginSession.account_id == account_id)).one()
    loaded, errors = threading.Barrier(2, timeout=10), []

    def start():
        try:
            with idp.db.transaction() as s:
                login = s.get(LoginSession, login_id)
                assert cases.open_raise_case(s, login.account_id) is None
                loaded.wait()  # both have seen no open case
                cases.start_raise(s, login, route="passport", locale="en", lifetime_days=30,
                                  best_level="substantial")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    with idp.db.transaction() as s:
        open_cases = s.scalars(select(EnrollmentCase).where(
            EnrollmentCase.purpose == RAISE, EnrollmentCase.account_id == account_id,
            EnrollmentCase.status.in_(OPEN_STATUSES))).all()
        assert len(open_cases) == 1


def test_a_nul_byte_in_the_user_agent_is_a_bad_request_not_a_database_error(app, idp, demo):
    """The User-Agent is kept with the login session (the device list, the
    new-device alert): with a NUL in it the login failed with a 500 on PostgreSQL."""
    from idp.auth.models import LoginSession

    client = app.test_client()
    page = client.get("/login?lang=en").get_data(as_text=True)
    response = client.post("/login?lang=en", data={"identifier": AZIZ, "password": PASSWORD,
                                                   "csrf_token": csrf_from(page)},
                           headers={"User-Agent": "Mozilla/5.0\x00 (Linux; Android 14)"})
    assert response.status_code == 400
    with idp.db.transaction() as s:
        assert s.scalars(select(LoginSession)).all() == []


def test_the_new_device_alert_does_not_carry_text_chosen_in_the_user_agent(app, idp, demo):
    """ua-parser's bot rules name the browser after whatever precedes "Bot"
    or "crawler" in the header, so someone logging in with the password
    could put a line of their own ("CallSupportOn998901234567 Bot") into the
    owner's official alert e-mail and the device list."""
    from idp.cabinet.devices import device_of
    from idp.notify.models import OutboxMessage
    from idp.people.models import Account, Person

    assert device_of("PayYourFineAtOneidHelpExample Bot/1.0").browser is None
    assert device_of("oneid-help.example crawler/1").browser is None
    assert device_of("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/120.0 Mobile Safari/537.36") == device_of.__wrapped__(
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36")
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ)).one()
        account.email, account.email_verified, email = "aziz@example.uz", True, "aziz@example.uz"
    _login(app)  # the account's first login: no alert
    client = app.test_client()
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert client.post("/login?lang=en", data={"identifier": AZIZ, "password": PASSWORD,
                                               "csrf_token": csrf_from(page)},
                       headers={"User-Agent": "PayYourFineAtOneidHelpExample Bot/1.0"}).status_code == 302
    with idp.db.transaction() as s:
        bodies = [m.body for m in s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email))]
    assert len(bodies) == 1 and "PayYourFine" not in bodies[0]  # the alert, in the owner's language


def test_a_remote_raise_never_overwrites_a_level_raised_meanwhile(idp, demo):
    """The account was read when the finish request began; a raise at a
    consulate's desk that committed in between (high, in person) was
    overwritten with the remote route's lower level. The finish now reads
    the account again under a lock and raises from what it holds."""
    from enrollment.models import APPROVED, RAISE
    from enrollment.services import activation, cases
    from idp.db import utcnow
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ)).one()
        case, _key = cases.start_case(s, purpose=RAISE, route="passport", locale="en", lifetime_days=30,
                                      account_id=account.id)
        case.pinfl, case.status, case.decided_at, case.decided_by = AZIZ, APPROVED, utcnow(), "policy"
        case_id, account_id = case.id, account.id
    finishing = idp.db.factory()
    try:
        from enrollment.models import EnrollmentCase

        case, account = finishing.get(EnrollmentCase, case_id), finishing.get(Account, account_id)
        assert account.identity_level == "low"
        finishing.commit()  # the request's read is done; its objects keep what they read
        with idp.db.transaction() as desk:  # the desk's raise commits meanwhile
            desk.get(Account, account_id).identity_level = "high"
            desk.get(Account, account_id).proofing_method = "in_person"
        assert activation.raise_level(finishing, case, account) is False
        finishing.commit()
    finally:
        finishing.close()
    with idp.db.transaction() as s:
        stored = s.get(Account, account_id)
        assert (stored.identity_level, stored.proofing_method) == ("high", "in_person")
