"""FAPI 2.0 Security Profile pieces: PAR (oidc/par.py), DPoP-bound tokens
(oidc/sender_constraint.py), signed request objects through PAR
(oidc/request_object.py). Clients registered with ``--profile fapi2`` must
use PAR, DPoP and `private_key_jwt`; every other client may use them."""
from __future__ import annotations


def init_app(app, idp) -> None:
    from flask import request

    from oidc.par import bp
    from oidc.sender_constraint import current_nonce

    app.register_blueprint(bp)

    @app.after_request
    def _dpop_nonce(response):
        # a fresh server nonce with every answer to a DPoP request (RFC 9449 8)
        if request.endpoint in ("oidc.token", "oidc.userinfo", "oidc_par.push") and request.headers.get("DPoP") \
                and "DPoP-Nonce" not in response.headers:
            response.headers["DPoP-Nonce"] = current_nonce(idp)
        return response
