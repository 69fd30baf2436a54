"""Operator commands:

    idp consulates create --code MOW --name "..." --city Moscow --country RU --timezone Europe/Moscow [--serves BY,AM]
    idp consulates list
    idp officers create --identifier PINFL_OR_EMAIL --consulate MOW [--role supervisor]
    idp officers list [--consulate MOW] [--all]
    idp officers disable --identifier PINFL_OR_EMAIL [--consulate MOW]
    idp consular slots --consulate MOW --from 2026-12-01 --to 2026-12-19 --times 09:00,09:30 [--capacity 2]
    idp consular send-reminders          # hourly, from cron or a systemd timer
    idp consular route                   # route new remote cases to their consulates
    idp consular purge [--dry-run]       # daily: desk images past the retention period

Every command prints JSON with --json.
"""
from __future__ import annotations

import datetime as dt

import click

from idp.cli.context import emit, fail_cleanly


def _context():
    from idp.app import create_app

    app = create_app()
    return app, app.extensions["idp"], app.extensions["consular"]


def _countries(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in (value or "").split(",") if c.strip())


# -- consulates ----------------------------------------------------------------------
@click.group("consulates")
def consulates_group() -> None:
    """Consulates and embassies, the countries they serve and their time zones."""


@consulates_group.command("create")
@click.option("--code", required=True, help="Short code used in URLs, e.g. MOW.")
@click.option("--name", required=True)
@click.option("--city", required=True)
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code of where it is.")
@click.option("--timezone", "timezone_", required=True, help="IANA time zone, e.g. Europe/Moscow.")
@click.option("--serves", default="", help="Other countries whose residents it serves (comma-separated codes).")
@click.option("--address", default=None)
@click.option("--fallback", is_flag=True, help="It reviews remote cases whose country of residence is unknown.")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def consulates_create(code, name, city, country, timezone_, serves, address, fallback, as_json):
    """Create a consulate."""
    from consular.services import consulates

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        c = consulates.create_consulate(s, code=code, name=name, city=city, country=country, timezone=timezone_,
                                        countries=_countries(serves), address=address, fallback=fallback)
        info = consulates.ConsulateInfo.of(c)
    emit(info.__dict__, as_json, f"consulate {info.code}: {info.name}, serves {', '.join(info.countries)}")


@consulates_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def consulates_list(as_json):
    """List consulates."""
    from consular.services import consulates

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        rows = [consulates.ConsulateInfo.of(c).__dict__ for c in consulates.all_consulates(s)]
    lines = [f"{r['code']:<8} {r['name']} ({r['city']}, {r['timezone']}) serves {', '.join(r['countries'])}"
             f"{' [fallback]' if r['fallback'] else ''}{'' if r['active'] else ' [inactive]'}" for r in rows]
    emit(rows, as_json, "\n".join(lines) or "no consulates")


# -- officers ------------------------------------------------------------------------
@click.group("officers")
def officers_group() -> None:
    """Consular officers and supervisors (accounts with a role at a consulate)."""


@officers_group.command("create")
@click.option("--identifier", required=True, help="The account's PINFL or verified e-mail address.")
@click.option("--consulate", required=True)
@click.option("--role", type=click.Choice(["officer", "supervisor"]), default="officer", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def officers_create(identifier, consulate, role, as_json):
    """Give an account a role at a consulate, and print the one-time code
    (72 hours) with which the officer adds the portal passkey at
    /consular/officer/passkey. Hand it over in person."""
    from consular.services import officer_enrollment, officers

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        row = officers.grant(s, identifier=identifier, consulate_code=consulate, role=role)
        data = {"account_id": row.account_id, "consulate": consulate.upper(), "role": row.role}
    data["passkey_code"] = officer_enrollment.issue(idp.state, data["account_id"])
    emit(data, as_json, f"{data['role']} at {data['consulate']}: account {data['account_id']}\n"
                        f"passkey code (once, 72 h, at /consular/officer/passkey): {data['passkey_code']}")


@officers_group.command("passkey-code")
@click.option("--identifier", required=True, help="The officer's PINFL or verified e-mail address.")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def officers_passkey_code(identifier, as_json):
    """A new one-time code for an officer's portal passkey (a new device, a lost key)."""
    from consular.services import officer_enrollment, officers

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        account = officers._account(s, identifier)
        if not officers.roles_of(s, account.id):
            raise ValueError("this account has no role at a consulate")
        account_id = account.id
    code = officer_enrollment.issue(idp.state, account_id)
    emit({"account_id": account_id, "passkey_code": code}, as_json, f"passkey code (once, 72 h): {code}")


@officers_group.command("list")
@click.option("--consulate", default=None)
@click.option("--all", "include_disabled", is_flag=True, help="Include disabled roles.")
@click.option("--json", "as_json", is_flag=True)
def officers_list(consulate, include_disabled, as_json):
    """List officers and supervisors."""
    from consular.services import officers

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        rows = [o.__dict__ for o in officers.listing(s, consulate, include_disabled=include_disabled)]
    lines = [f"{r['consulate']:<8} {r['role']:<10} {r['pinfl']}  {r['name']}{'' if r['active'] else ' [disabled]'}"
             for r in rows]
    emit(rows, as_json, "\n".join(lines) or "no officers")


@officers_group.command("disable")
@click.option("--identifier", required=True, help="The account's PINFL or verified e-mail address.")
@click.option("--consulate", default=None, help="Only at this consulate (default: everywhere).")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def officers_disable(identifier, consulate, as_json):
    """Take an officer's roles away; the portal refuses them at their next request."""
    from consular.services import officers

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        count = officers.disable(s, identifier=identifier, consulate_code=consulate)
    emit({"disabled": count}, as_json, f"{count} role(s) disabled")


# -- consular operations -------------------------------------------------------------
@click.group("consular")
def consular_group() -> None:
    """Appointments, reminders, routing and retention."""


@consular_group.command("slots")
@click.option("--consulate", required=True)
@click.option("--from", "first_day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "last_day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--times", required=True, help="Local times, comma-separated: 09:00,09:30,...")
@click.option("--minutes", default=30, show_default=True)
@click.option("--capacity", default=1, show_default=True)
@click.option("--weekdays-only", is_flag=True, help="Monday to Friday.")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def slots(consulate, first_day, last_day, times, minutes, capacity, weekdays_only, as_json):
    """Open appointment slots (existing ones are kept)."""
    from consular.services import appointments, consulates

    _app, idp, _svc = _context()
    parsed = [dt.time.fromisoformat(t.strip()) for t in times.split(",") if t.strip()]
    with idp.db.transaction() as s:
        c = consulates.find(s, consulate)
        if c is None:
            raise LookupError(f"no consulate {consulate}")
        made = appointments.open_slots(s, c, first_day=first_day.date(), last_day=last_day.date(), times=parsed,
                                       minutes=minutes, capacity=capacity,
                                       weekdays={1, 2, 3, 4, 5} if weekdays_only else None)
    emit({"opened": made}, as_json, f"{made} slot(s) opened")


@consular_group.command("send-reminders")
@click.option("--within", "within_hours", type=int, default=None,
              help="Hours ahead (default: IDP_CONSULAR_REMINDER_HOURS).")
@click.option("--json", "as_json", is_flag=True)
def send_reminders(within_hours, as_json):
    """E-mail a reminder for each appointment starting soon, once. Safe to
    run often and from several machines at once."""
    from consular.services.reminders import send_due

    app, idp, svc = _context()
    with app.app_context():
        report = send_due(idp, svc, within_hours=within_hours or svc.config.reminder_hours)
    emit(report, as_json, f"{report['sent']} reminder(s) sent, {report['failed']} failed")
    if report["failed"]:
        raise SystemExit(1)


@consular_group.command("route")
@click.option("--json", "as_json", is_flag=True)
def route(as_json):
    """Route remote cases waiting for review to their consulates."""
    from consular.services.queue import route_new_cases

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        count = route_new_cases(s)
    emit({"routed": count}, as_json, f"{count} case(s) routed")


@consular_group.command("purge")
@click.option("--dry-run", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def purge(dry_run, as_json):
    """Delete desk photos and chip portraits of visits decided more than
    IDP_BIOMETRIC_RETENTION_DAYS ago (and of visits left open that long)."""
    from consular.services.retention import purge_visits

    _app, idp, svc = _context()
    with idp.db.transaction() as s:
        report = purge_visits(s, retention_days=svc.config.retention_days, dry_run=dry_run)
        if dry_run:
            s.rollback()
    emit(report, as_json, f"{report['visits']} visit(s), {report['images']} image(s)"
         f"{' would be' if dry_run else ''} deleted")
