"""A small relying party that logs in through the IdP, for the demo.

It uses Authlib's Flask client (a real, independent OIDC client library):
discovery, authorization code with PKCE S256, nonce, ID token validation,
userinfo, a "high assurance" login with `acr_values`, and RP-initiated logout.
"""
from __future__ import annotations

import secrets

from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, render_template, request, session, url_for

HIGH = "http://eidas.europa.eu/LoA/high"


def create_portal(*, issuer: str, client_id: str, client_secret: str, base_url: str) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_urlsafe(32), SESSION_COOKIE_NAME="portal_session",
                      SESSION_COOKIE_SAMESITE="Lax")
    oauth = OAuth(app)
    oauth.register("oneid", client_id=client_id, client_secret=client_secret,
                   server_metadata_url=issuer + "/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid profile email pinfl document", "code_challenge_method": "S256"})

    @app.route("/")
    def home():
        return render_template("portal/home.html", user=session.get("user"), issuer=issuer)

    @app.route("/login")
    def login():
        extra = {}
        if request.args.get("level") == "high":
            extra["acr_values"] = HIGH
        if request.args.get("lang") in ("uz", "ru", "en"):
            extra["ui_locales"] = request.args["lang"]
        return oauth.oneid.authorize_redirect(base_url + "/callback", **extra)

    @app.route("/callback")
    def callback():
        if "error" in request.args:
            return render_template("portal/home.html", user=None, issuer=issuer,
                                   error=request.args.get("error"), description=request.args.get("error_description"))
        token = oauth.oneid.authorize_access_token()
        userinfo = oauth.oneid.userinfo(token=token)
        claims = dict(token["userinfo"])
        session["user"] = {"id_token_claims": claims, "userinfo": dict(userinfo), "id_token": token["id_token"]}
        return redirect(url_for("home"))

    @app.route("/logout", methods=["POST"])
    def logout():
        user = session.pop("user", None)
        meta = oauth.oneid.load_server_metadata()
        params = {"post_logout_redirect_uri": base_url + "/logged-out", "client_id": client_id}
        if user:
            params["id_token_hint"] = user["id_token"]
        from urllib.parse import urlencode

        return redirect(meta["end_session_endpoint"] + "?" + urlencode(params))

    @app.route("/logged-out")
    def logged_out():
        return render_template("portal/home.html", user=None, issuer=issuer, logged_out=True)

    @app.route("/backchannel-logout", methods=["POST"])
    def backchannel_logout():
        # A real portal would validate the logout token and end its own session
        # for `sid`; the demo keeps sessions in cookies, so it only acknowledges.
        return "", 200

    return app
