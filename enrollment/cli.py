"""`idp enrollment ...`: the operator's view of remote enrollment cases until
consular officers decide them in their own portal, and the retention job.

    idp enrollment list [--status awaiting_review] [--json]
    idp enrollment show CASE_ID [--json]
    idp enrollment approve CASE_ID [--by NAME]
    idp enrollment reject CASE_ID --reason CODE [--by NAME]
    idp enrollment purge [--dry-run] [--json]      # daily, from cron or a timer
"""
from __future__ import annotations

import json

import click


def _context():
    from idp.app import create_app

    app = create_app()
    return app, app.extensions["idp"], app.extensions["enrollment"]


def _emit(data, as_json: bool, text: str) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str) if as_json else text)


def case_summary(case) -> dict:
    """What an operator sees of a case: ids, states, codes; no personal data
    beyond the PINFL that identifies the person to the register."""
    return {
        "id": case.id, "purpose": case.purpose, "route": case.route, "status": case.status,
        "created_at": case.created_at, "updated_at": case.updated_at, "submitted_at": case.submitted_at,
        "pinfl": case.pinfl, "decision": case.decision, "reasons": list(case.decision_reasons or []),
        "flags": list(case.flags or []), "chip_attempts": case.chip_attempts,
        "selfie_attempts": case.selfie_attempts, "decided_by": case.decided_by,
    }


@click.group("enrollment")
def enrollment() -> None:
    """Remote enrollment cases of citizens abroad."""


@enrollment.command("list")
@click.option("--status", "statuses", multiple=True, help="awaiting_review, approved, in_progress, ... (repeatable)")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_(statuses, limit, as_json):
    """Cases, oldest first (by default those awaiting review)."""
    from sqlalchemy import select

    from enrollment.models import AWAITING_REVIEW, EnrollmentCase

    _app, idp, _svc = _context()
    statuses = statuses or (AWAITING_REVIEW,)
    with idp.db.transaction() as s:
        rows = [case_summary(c) for c in s.scalars(select(EnrollmentCase).where(
            EnrollmentCase.status.in_(statuses)).order_by(EnrollmentCase.created_at).limit(limit))]
    lines = [f"{r['id']}  {r['status']:<16} {r['purpose']:<8} submitted {str(r['submitted_at'])[:16]}  "
             f"flags: {', '.join(r['flags']) or '-'}" for r in rows]
    _emit(rows, as_json, "\n".join(lines) if lines else f"no cases with status {', '.join(statuses)}")


@enrollment.command("show")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True)
def show(case_id, as_json):
    """One case with its evidence: chip checks, selfie outcomes, history."""
    from sqlalchemy import select

    from idp.audit.models import AuditEvent

    from enrollment.models import EnrollmentCase, RegisterEvidence

    _app, idp, _svc = _context()
    with idp.db.transaction() as s:
        case = s.get(EnrollmentCase, case_id)
        if case is None:
            raise click.ClickException(f"no case {case_id}")
        data = case_summary(case)
        data["chip_reads"] = [{"at": e.created_at, "accepted": e.accepted, "reasons": e.reasons,
                               "warnings": e.warnings, "register_match": e.register_match,
                               "checks": [f"{c['name']}={c['status']}:{c['code']}" for c in e.report.get("checks", [])]}
                              for e in case.chip_reads]
        data["selfies"] = [{"at": e.created_at, "outcome": e.outcome, "reasons": e.reasons,
                            "face_distance": e.face_distance} for e in case.selfies]
        data["register_checks"] = [
            {"at": e.created_at, "accepted": e.accepted, "reasons": e.reasons, "register_match": e.register_match,
             "mrz_source": e.mrz_source,
             "face_match": {k: v.get("decision") for k, v in (e.face_match or {}).items()}}
            for e in s.scalars(select(RegisterEvidence).where(RegisterEvidence.case_id == case.id)
                               .order_by(RegisterEvidence.created_at))]
        data["history"] = [{"at": a.at, "event": a.event, "data": a.data} for a in s.scalars(
            select(AuditEvent).where(AuditEvent.subject == case.id).order_by(AuditEvent.seq))]
    text = "\n".join(f"{k}: {v}" for k, v in data.items()
                     if k not in ("chip_reads", "selfies", "register_checks", "history"))
    text += "".join(f"\nchip read {r['at']:%Y-%m-%d %H:%M}: {'accepted' if r['accepted'] else 'refused'} "
                    f"{', '.join(r['reasons'] + r['warnings'])}" for r in data["chip_reads"])
    text += "".join(f"\nregister check {r['at']:%Y-%m-%d %H:%M}: {'accepted' if r['accepted'] else 'refused'} "
                    f"{', '.join(r['reasons'])} faces={r['face_match']}" for r in data["register_checks"])
    text += "".join(f"\nselfie {r['at']:%Y-%m-%d %H:%M}: {r['outcome']} {', '.join(r['reasons'])} "
                    f"distance={r['face_distance']}" for r in data["selfies"])
    text += "".join(f"\n  {h['at']:%Y-%m-%d %H:%M:%S} {h['event']}" for h in data["history"])
    _emit(data, as_json, text)


def _decide(case_id: str, action):
    """Run a decision in a request context (the e-mail is rendered in the
    case's language), commit it, and tell the citizen."""
    from enrollment import notify
    from enrollment.errors import EnrollmentError
    from enrollment.models import EnrollmentCase

    app, idp, _svc = _context()
    with app.test_request_context():
        session = idp.db.session
        case = session.get(EnrollmentCase, case_id)
        if case is None:
            raise click.ClickException(f"no case {case_id}")
        try:
            token = action(session, case)
        except EnrollmentError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        session.commit()
        notify.send_decision(idp.email, case, issuer=idp.settings.issuer, activation_token=token)
        return case.status


@enrollment.command("approve")
@click.argument("case_id")
@click.option("--by", default="operator", show_default=True, help="who decided (recorded in the audit log)")
def approve(case_id, by):
    """Approve a case awaiting review; the citizen gets the activation link by e-mail."""
    from enrollment.services import decision

    status = _decide(case_id, lambda s, c: decision.approve(s, c, by=f"operator:{by}"[:64]))
    click.echo(f"case {case_id}: {status}; the activation link was e-mailed")


@enrollment.command("reject")
@click.argument("case_id")
@click.option("--reason", "reasons", multiple=True, required=True,
              help="reason code shown to the citizen, e.g. face_mismatch, register_name_mismatch")
@click.option("--by", default="operator", show_default=True)
def reject(case_id, reasons, by):
    """Reject a case awaiting review, with reason codes."""
    from enrollment.services import decision

    def act(s, c):
        decision.reject(s, c, by=f"operator:{by}"[:64], reasons=tuple(reasons))
        return None

    status = _decide(case_id, act)
    click.echo(f"case {case_id}: {status}")


@enrollment.command("purge")
@click.option("--dry-run", is_flag=True, help="count, change nothing")
@click.option("--json", "as_json", is_flag=True)
def purge(dry_run, as_json):
    """Expire abandoned cases; delete biometric data past its retention."""
    from enrollment.services import retention

    _app, idp, svc = _context()
    with idp.db.transaction() as s:
        report = retention.purge(s, retention_days=svc.config.retention_days, dry_run=dry_run)
    data = {**report.as_dict(), "dry_run": dry_run, "retention_days": svc.config.retention_days}
    _emit(data, as_json, f"{'would expire' if dry_run else 'expired'} {report.cases_expired} cases; "
                         f"{'would delete' if dry_run else 'deleted'} {report.records_deleted} biometric records "
                         f"of {report.cases_purged} cases (retention {svc.config.retention_days} days)")
