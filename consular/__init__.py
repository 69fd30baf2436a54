"""Consulates, officers and supervisors, the review of remote enrollment
cases, appointments, and in-person enrollment at the desk.

    models.py      consulates, roles, slots, appointments, visits, codes, case reviews
    services/      domain logic (no Flask): consulates, officers, access, appointments,
                   visits (desk_chip, desk_photo), activation, queue, decisions
    foureyes.py    who may take which step of a decision (pure)
    views/         the citizens' pages, the officers' portal, the desk reader API
    cli.py         `idp consulates`, `idp officers`, `idp consular`

See docs/consular.md. The composition root calls `init_app(app, idp)` once,
after enrollment's (the two share the biometric cipher and trust store).
"""
from __future__ import annotations


def init_app(app, idp) -> None:
    from consular.config import ConsularConfig
    from consular.services import ConsularServices
    from consular.views import blueprints
    from consular.views.reader import raise_upload_limit

    app.extensions["consular"] = ConsularServices(idp, ConsularConfig.from_settings(idp.settings),
                                                  app.extensions["enrollment"])
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.before_request_funcs.setdefault(None, []).insert(0, raise_upload_limit)
