"""Activation with a passkey, through the passkey package's documented
registration calls (docs/passkeys.md, "API": `registration_options` and
`register` from `idp.passkeys`, with this browser's enrollment binding
instead of a login session). The passkey must verify the user (fingerprint,
face or screen lock), so the new account's first passkey reaches level high
at login; the account's identity level stays substantial."""
from __future__ import annotations

from flask import g, jsonify, request, url_for

from idp.app import services
from idp.auth.continuations_web import local_path, registry
from idp.auth.respond import as_json, finish
from idp.registry import RegistryUnavailable

from enrollment.errors import EnrollmentError
from enrollment.flow import EnrollmentFlow
from enrollment.messages import message
from enrollment.models import RECOVERY
from enrollment.services import activation
from enrollment.views import revocation
from enrollment.views.common import bp, db_session, flow, limit, svc


def available() -> bool:
    try:
        from idp.passkeys import register, registration_options  # noqa: F401
    except ImportError:
        return False
    return True


def _fail(code: str, status: int = 400, text: str | None = None):
    return jsonify(ok=False, error=code, message=text or message(code)), status


def _context():
    from enrollment.views.activation import approved_case
    from idp.passkeys import Ceremonies, RelyingParty

    case = approved_case()
    idp = services()
    return case, idp, Ceremonies(idp.state), RelyingParty.from_settings(idp.settings)


@bp.post("/activate/passkey/options")
def passkey_options():
    from idp.passkeys import registration_options
    from idp.passkeys.errors import PasskeyError

    case, idp, ceremonies, rp = _context()
    limit("post_case", case.id)
    try:
        account = activation.ensure_account(db_session(), case, idp.registry, levels=svc().config.levels)
        db_session().commit()  # before the ceremony's own write to the state store
        options = registration_options(db_session(), ceremonies, rp, account, binding=flow().binding,
                                       label=_label(), require_user_verification=True)
    except EnrollmentError as exc:
        return _fail(exc.code, exc.http_status)
    except RegistryUnavailable:
        return _fail("registry_unavailable", 503)
    except PasskeyError as exc:
        return _fail(exc.code)
    db_session().commit()
    return jsonify(ok=True, **options.as_json())


@bp.post("/activate/passkey")
def passkey_verify():
    from idp.passkeys import register
    from idp.passkeys.authentication import VERIFIED_EVENT

    case, idp, ceremonies, rp = _context()
    limit("post_case", case.id)
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    try:
        account = activation.ensure_account(db_session(), case, idp.registry, levels=svc().config.levels)
    except EnrollmentError as exc:
        return _fail(exc.code, exc.http_status)
    result = register(db_session(), ceremonies, rp, account_id=account.id, handle=body.get("ceremony"),
                      binding=flow().binding, credential=body.get("credential"), label=_label())
    if not result.success:
        db_session().commit()  # the audit record of the failure
        return _fail(result.error or "passkey_failed", 400, message("passkey_failed"))
    if case.purpose == RECOVERY:
        revocation.end_everything(idp, account.id)
    activation.finish(db_session(), case, account, idp.sessions, method="passkey", keep=(result.passkey_id,),
                      levels=svc().config.levels)
    g.pop("idp_login", None)
    done = registry().make("return", local_path(url_for("enrollment.done")))
    out = as_json(finish(account.id, VERIFIED_EVENT, done))
    EnrollmentFlow.clear(out)
    return out


def _label() -> str:
    agent = request.user_agent
    platform = (agent.platform or "").capitalize() if agent else ""
    return f"OneID passkey {platform}".strip()[:60]
