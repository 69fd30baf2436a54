"""`idp cabinet ...`: the cabinet's regular job."""
from __future__ import annotations

import unicodedata

import click

from idp.cli.context import app_services, emit


@click.group("cabinet")
def cabinet() -> None:
    """The personal cabinet: requested account deletions and register corrections."""


@cabinet.command("erase-due")
@click.option("--json", "as_json", is_flag=True)
def erase_due_command(as_json):
    """Erase every account whose deletion waiting period is over (daily);
    then `idp backchannel retry` sends any logout token still pending."""
    from idp.cabinet.deletion import erase_due

    app, idp = app_services()
    with app.app_context():
        erased = erase_due(idp)
        idp.db.session.commit()
    emit({"erased": erased}, as_json, f"erased: {erased}")


@cabinet.group("corrections")
def corrections_group() -> None:
    """Citizens' requests to correct their register data. The register is
    another system: have it corrected there, then mark the request done."""


def _row(row, pinfl: str | None = None) -> dict:
    data = {"id": row.id, "field": row.field, "status": row.status, "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(), "decided_by": row.decided_by}
    if pinfl is not None:  # one request, for the operator working on it
        data.update(pinfl=pinfl, current_value=row.current_value, requested_value=row.requested_value,
                    explanation=row.explanation, answer=row.answer)
    return data


def _line(row) -> str:
    return f"{row.id}  {row.status:<10} {row.field:<16} {row.created_at:%Y-%m-%d %H:%M}Z"


@corrections_group.command("list")
@click.option("--status", type=click.Choice(["submitted", "in_review", "done", "refused", "withdrawn"]),
              help="Only requests in this status (default: the open ones).")
@click.option("--json", "as_json", is_flag=True)
def corrections_list(status, as_json):
    """The queue, oldest first."""
    from idp.cabinet import corrections

    app, idp = app_services()
    with app.app_context():
        rows = corrections.queue(idp.db.session, status)
        emit([_row(r) for r in rows], as_json, "\n".join(_line(r) for r in rows) or "no requests")


@corrections_group.command("show")
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True)
def corrections_show(request_id, as_json):
    """One request with the values and the citizen's explanation."""
    from idp.cabinet import corrections
    from idp.people.models import Account

    app, idp = app_services()
    with app.app_context():
        row = _get(corrections, idp.db.session, request_id)
        data = _row(row, idp.db.session.get(Account, row.account_id).person.pinfl)
        emit(data, as_json, "\n".join(f"{k}: {_shown(v)}" for k, v in data.items()))


def _shown(value) -> str:
    """A value for the operator's terminal: control and format characters
    (escape sequences, bidirectional overrides) as visible escapes, and a
    line break as an indented new line, so nothing a citizen typed can act
    on the terminal or pass for another line of the output."""
    text = "" if value is None else str(value)
    return "".join("\n  " if ch == "\n" else f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Cs")
                   else ch for ch in text)


def _get(corrections, session, request_id):
    try:
        return corrections.get(session, request_id)
    except corrections.CorrectionError:
        raise click.ClickException(f"no correction request {request_id}") from None


@corrections_group.command("review")
@click.argument("request_id")
@click.option("--by", "by", required=True, help="The operator's name or id.")
@click.option("--json", "as_json", is_flag=True)
def corrections_review(request_id, by, as_json):
    """Take a submitted request in hand; the citizen is told."""
    from idp.cabinet import corrections
    from idp.cabinet.correction_text import tell_status

    app, idp = app_services()
    with app.app_context():
        _get(corrections, idp.db.session, request_id)
        try:
            row = corrections.review(idp.db.session, request_id, by, notify=tell_status)
        except corrections.CorrectionError as exc:
            raise click.ClickException(_REFUSALS.get(exc.code, exc.code)) from None
        data = _row(row)
        idp.db.session.commit()
    emit(data, as_json, f"{request_id}: in_review")


_REFUSALS = {
    "not_open": "the request is no longer open (withdrawn or decided)",
    "operator_invalid": "--by must name the operator (at most 100 characters)",
    "answer_invalid": "--answer must say something to the citizen (at most 2000 characters)",
}


@corrections_group.command("decide")
@click.argument("request_id")
@click.option("--done", "outcome", flag_value="done", help="The register was corrected.")
@click.option("--refuse", "outcome", flag_value="refused", help="The register stays as it is.")
@click.option("--answer", required=True, help="What the citizen reads, in their language.")
@click.option("--by", "by", required=True, help="The operator's name or id.")
@click.option("--json", "as_json", is_flag=True)
def corrections_decide(request_id, outcome, answer, by, as_json):
    """Close a request as done or refused; on done the person's data is read
    again from the register. The citizen is told by e-mail."""
    from idp.cabinet import corrections
    from idp.cabinet.correction_text import tell_status

    if outcome is None:
        raise click.UsageError("give --done or --refuse")
    app, idp = app_services()
    with app.app_context():
        _get(corrections, idp.db.session, request_id)
        try:
            decision = corrections.decide(idp.db.session, request_id, outcome, answer, by,
                                          registry=idp.registry, notify=tell_status)
        except corrections.CorrectionError as exc:
            raise click.ClickException(_REFUSALS.get(exc.code, exc.code)) from None
        data = {**_row(decision.request), "refreshed_from_register": decision.refreshed}
        idp.db.session.commit()
    note = ""
    if decision.refreshed is False:
        note = " (the register did not answer or does not know the person: data not refreshed)"
    emit(data, as_json, f"{request_id}: {outcome}{note}")
