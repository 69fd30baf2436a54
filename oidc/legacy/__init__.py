"""A facade for portals written for today's id.gov.uz (OneID) protocol.

One URL, ``/sso/oauth/Authorization.do``, answers every step of OneID's
OAuth-like protocol for clients registered with ``--profile oneid-legacy``,
over the same accounts, login sessions, consent, levels, audit log and rate
limits as OpenID Connect: sign-in goes through /authorize, the code
exchange and refresh through the same grants. docs/oneid-compatibility.md
lists every field and quirk.
"""


def init_app(app, idp) -> None:
    from oidc.legacy.views import bp

    app.register_blueprint(bp)
