"""Remote enrollment of citizens abroad: the step graph (steps.py), cases
and evidence (models.py), domain services (services/, no Flask), the
decision policy (policy.py), the journey's pages and the chip reader's API
(views/). See docs/enrollment.md.

The composition root calls `init_app(app, idp)` once.
"""
from __future__ import annotations


def init_app(app, idp) -> None:
    from enrollment.config import EnrollmentConfig
    from enrollment.services import EnrollmentServices
    from enrollment.views import blueprints
    from enrollment.views.reader import raise_upload_limit

    services = EnrollmentServices(idp, EnrollmentConfig.from_settings(idp.settings))
    app.extensions["enrollment"] = services
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    # First of all request hooks: other hooks read the form, which fixes the size limit.
    app.before_request_funcs.setdefault(None, []).insert(0, raise_upload_limit)
