"""What every consular view shares: the blueprints, the services, rate
limits, and the officer guard that runs before every portal page."""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from idp.app import services
from idp.auth.current import current_login

from consular.errors import ConsularError, Forbidden, NotFound, RateLimited
from consular.messages import message
from consular.models import Consulate
from consular.services import ConsularServices, consulates, officers
from consular.services.access import check_access

bp = Blueprint("consular", __name__, url_prefix="/consular")  # citizens: booking, activation, record
portal = Blueprint("consular_portal", __name__, url_prefix="/consular/officer")  # officers
reader_bp = Blueprint("consular_reader", __name__, url_prefix="/consular/api")  # desk chip readers


def require_action_form() -> None:
    """A portal button's post must carry its form's CSRF token."""
    from consular.forms import ActionForm

    if not ActionForm().validate_on_submit():
        raise Forbidden(code="csrf")


def svc() -> ConsularServices:
    return current_app.extensions["consular"]


def db():
    return services().db.session


def client_address() -> str:
    return request.remote_addr or "unknown"


def wants_json() -> bool:
    return request.is_json or request.path.startswith("/consular/api/") or \
        request.accept_mimetypes.best == "application/json"


def limit(scope: str, key: str) -> None:
    """Count a request; end it with 429 past the limit."""
    try:
        svc().limiter.hit(scope, key)
    except RateLimited as exc:
        if wants_json():
            response = jsonify(ok=False, error="rate_limited", message=message("rate_limited"))
        else:
            response = current_app.make_response(render_template("error.html", status=429,
                                                                 message=message("rate_limited")))
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after)
        abort(response)


def fail(exc: ConsularError, *, template: str = "error.html"):
    """A refusal as JSON or as the error page, in the reader's language."""
    db().rollback()
    if wants_json():
        return jsonify(ok=False, error=exc.code, message=message(exc.code)), exc.http_status
    return render_template(template, status=exc.http_status, message=message(exc.code)), exc.http_status


@bp.errorhandler(ConsularError)
def _citizen_error(exc: ConsularError):
    return fail(exc)


@portal.errorhandler(ConsularError)
def _portal_error(exc: ConsularError):
    return fail(exc)


# -- the officer guard --------------------------------------------------------------
@dataclass(frozen=True)
class Officer:
    """The officer of this request: account, roles, and (on consulate pages)
    the consulate and the role held there."""

    account_id: str
    login_id: str
    roles: tuple
    consulate: Consulate | None = None
    role: str | None = None

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


def officer_access():
    """(Officer or None, error code)."""
    login = current_login()
    roles = officers.roles_of(db(), login.account_id) if login is not None else []
    sessions = svc().portal_sessions
    data = sessions.get(login.id) if login is not None else None
    now = time.time()
    access = check_access(login=login, roles=roles, portal_session=data, now=now,
                          expected_lifetime=svc().config.session_lifetime,
                          expected_idle=svc().config.idle_timeout)
    if not access.ok:
        return None, access.error
    sessions.touch(data, now=now)
    return Officer(login.account_id, login.id, tuple(roles)), None


def officer_required(view):
    """Portal pages: a passkey login with a live portal session; on pages
    under /<code>/, a role at that consulate (else 404, which says nothing
    about the consulate's cases)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        officer, error = officer_access()
        if officer is None:
            if wants_json():
                return jsonify(ok=False, error=error, message=message(error)), 401
            return redirect(url_for("consular_portal.login", why=error, next=request.full_path.rstrip("?")))
        code = kwargs.pop("code", None)
        if code is not None:
            consulate = consulates.find(db(), code)
            role = officers.role_at(list(officer.roles), consulate.id) if consulate is not None else None
            if role is None:
                raise NotFound()
            officer = Officer(officer.account_id, officer.login_id, officer.roles, consulate, role.role)
        g.officer = officer
        return view(officer, *args, **kwargs)
    return wrapper


def portal_page(template: str, officer: Officer, http_status: int = 200, **context):
    return render_template(template, officer=officer, message=message, **context), http_status
