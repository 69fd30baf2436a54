"""Links to the pages that raise an account's identity level, by endpoint
name (the enrollment and consular packages may be absent): shown on the
step-up page when a portal needs a higher level, and in the cabinet."""
from __future__ import annotations

from flask import current_app, url_for

from idp.auth.continuations_web import continuation_args
from idp.auth.levels import rank


def ways_to_raise(account) -> dict:
    """A remote check when a remote route gives more than the account has,
    and a visit in person while the account is below the highest level."""
    pages = current_app.view_functions
    remote = current_app.extensions.get("enrollment")
    best = max((remote.config.levels or {"passport": "substantial"}).values(), key=rank) if remote else "low"
    return {
        "raise_url": (url_for("enrollment.raise_level", **continuation_args())
                      if "enrollment.raise_level" in pages and rank(account.identity_level) < rank(best) else None),
        "in_person_url": (url_for("consular.in_person", **continuation_args())
                          if "consular.in_person" in pages and rank(account.identity_level) < rank("high") else None),
    }
