"""Raising the identity level of the logged-in account: a portal asked for
more than the account's identity was verified at, and no login method can
change that. The citizen proves who they are again on a remote route; an
approved case raises the level of this account (never lowers it) and keeps
its login methods and sessions.

The login the raise interrupted (a paused authorization request) travels in
the flow cookie as its query parameters, and is checked against this browser
again when the raise ends: a request still alive resumes, one that expired
is not followed (the page says to retry the portal's login)."""
from __future__ import annotations

from flask import current_app, redirect, request, url_for
from flask_babel import get_locale

from idp.auth.continuations_web import browser_binding, continuation_args, local_path, registry
from idp.auth.current import current_login
from idp.auth.levels import rank
from idp.auth.reauth import recent_enough
from idp.cabinet.notices import tell_owner
from idp.db import after_commit
from idp.i18n import stored_locale

from enrollment.config import ACTIVATION_TTL_DAYS
from enrollment.errors import EnrollmentError
from enrollment.flow import EnrollmentFlow
from enrollment.forms import ActionForm, RaiseForm
from enrollment.messages import message
from enrollment.models import ACTIVATED, APPROVED, RAISE
from enrollment.services import activation, cases
from enrollment.views.common import (bp, client_address, current_case, db_session, flow, limit, page, require_case,
                                     save_flow, svc, where_to)


def _best_level() -> str:
    return activation.best_remote_level(svc().config.levels)


def _in_person_url() -> str | None:
    """The consular package's page on visiting in person, when it is installed."""
    if "consular.in_person" not in current_app.view_functions:
        return None
    return url_for("consular.in_person", **continuation_args())


def _to_login(path: str):
    return redirect(url_for("auth.login", next=path))


def _back(state: EnrollmentFlow | None) -> tuple[str | None, dict]:
    """Where the interrupted login resumes (None when it is gone or belongs to
    another browser) and what the pages say about it (the portal's name)."""
    params = (state.back if state is not None else None) or {}
    continuation = registry().from_params({k: v for k, v in params.items() if isinstance(v, str)},
                                          browser_binding()) if isinstance(params, dict) else None
    if continuation is None:
        return None, {}
    return registry().target(continuation), registry().describe(continuation)


@bp.get("/raise", endpoint="raise_level")
def raise_page():
    login = current_login()
    here = local_path(url_for("enrollment.raise_level", **continuation_args()))
    if login is None:
        return _to_login(here)
    case = current_case()
    mine = case if case is not None and case.open and case.purpose == RAISE and case.account_id == login.account_id \
        else None
    return page("enrollment/raise.html", None, form=RaiseForm(), account=login.account, best=_best_level(),
                reachable=rank(login.account.identity_level) < rank(_best_level()),
                resume_url=where_to(mine) if mine is not None else None, error=None, in_person_url=_in_person_url(),
                **registry().describe(registry().from_params(request.args, browser_binding())))


@bp.post("/raise", endpoint="raise_start")
def raise_start():
    login = current_login()
    here = local_path(url_for("enrollment.raise_level", **continuation_args()))
    if login is None:
        return _to_login(here)
    if not recent_enough(login, "low", cases.RAISE_MAX_AGE):
        return redirect(url_for("auth.login", why="reauth", level="low", next=here), 303)
    form = RaiseForm()
    best = _best_level()
    context = dict(account=login.account, best=best, resume_url=None, in_person_url=_in_person_url(),
                   reachable=rank(login.account.identity_level) < rank(best),
                   **registry().describe(registry().from_params(request.args, browser_binding())))
    if not form.validate_on_submit():
        return page("enrollment/raise.html", None, 400, form=form, error=None, **context)
    limit("start_address", client_address())
    try:
        case, key = cases.start_raise(db_session(), login, route=form.route.data, best_level=best,
                                      locale=stored_locale(str(get_locale())),
                                      lifetime_days=svc().config.case_lifetime_days)
    except EnrollmentError as exc:
        db_session().rollback()
        return page("enrollment/raise.html", None, 400, form=form, error=message(exc.code), **context)
    db_session().commit()
    back = continuation_args() or None
    return save_flow(redirect(where_to(case), 303), EnrollmentFlow(case.id, key, back=back))


@bp.route("/raise/finish", methods=["GET", "POST"])
def raise_finish():
    case = require_case()
    if case.purpose != RAISE:
        return redirect(where_to(case))
    login = current_login()
    if login is None:
        return _to_login(local_path(url_for("enrollment.raise_finish")))
    if login.account_id != case.account_id:
        return page("enrollment/message.html", None, 403, title=message("case_not_approved"),
                    text=message("raise_other_account"))
    state = flow()
    target, about = _back(state)
    if case.status == ACTIVATED:
        return page("enrollment/raise_done.html", None, account=login.account, back_url=target, **about)
    if case.status != APPROVED or not activation.activation_open(case, ACTIVATION_TTL_DAYS):
        return redirect(where_to(case) if case.status != APPROVED else url_for("enrollment.status"))
    form = ActionForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        limit("post_case", case.id)
        account = login.account
        try:
            raised = activation.raise_level(db_session(), case, account, levels=svc().config.levels)
        except EnrollmentError as exc:
            db_session().rollback()
            error = message(exc.code)
        else:
            if raised:
                after_commit(db_session(), lambda: tell_owner(account, "identity_level"))
            db_session().commit()
            return redirect(url_for("enrollment.raise_finish"), 303)
    return page("enrollment/raise_finish.html", case, 400 if error else 200, form=form, error=error,
                account=login.account, **about)
