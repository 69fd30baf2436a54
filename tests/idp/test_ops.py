"""Liveness, readiness, metrics, request ids, JSON logs without personal data,
and clean 503s when a backing store cannot be reached."""
import json
import logging

import pytest


def test_health_and_readiness(http):
    assert http.get("/healthz").json == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok", "redis": "not_configured"}


def test_readiness_reports_an_unreachable_redis_with_retry_after(settings_overrides):
    from idp.app import create_app

    app = create_app({**settings_overrides, "redis_url": "redis://127.0.0.1:1/0"})
    app.extensions["idp"].db.create_all()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json["checks"]["redis"] == "unavailable" and response.json["checks"]["database"] == "ok"
    app.extensions["idp"].db.dispose()


def test_an_unreachable_database_gives_503_with_retry_after_not_500(tmp_path):
    from idp.app import create_app

    app = create_app({"env": "test", "issuer": "http://localhost",
                      "database_url": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1"})
    client = app.test_client()
    page = client.get("/authorize?client_id=portal&redirect_uri=https://rp.example/cb",
                      headers={"Accept-Language": "en"})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "briefly unavailable" in page.get_data(as_text=True)
    token = client.post("/token", data={"grant_type": "authorization_code"})
    assert token.status_code == 503 and token.json["error"] == "temporarily_unavailable"
    assert client.get("/readyz").json["checks"]["database"] == "unavailable"
    assert client.get("/healthz").status_code == 200  # the process itself is alive
    app.extensions["idp"].db.dispose()


def test_request_ids_are_kept_when_sane_and_made_otherwise(http):
    assert http.get("/healthz", headers={"X-Request-Id": "abc123def456"}).headers["X-Request-Id"] == "abc123def456"
    made = http.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert made != "<script>" and len(made) == 16


def test_metrics_count_requests_logins_and_token_requests(http, demo):
    http.get("/login")
    http.post("/token", data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": "nobody"})
    from idp.audit.log import record

    from idp.app import create_app  # noqa: F401  (the app is built by the fixture)

    with http.application.extensions["idp"].db.transaction() as s:
        record(s, "login.password.failed", actor=None)
    text = http.get("/metrics").get_data(as_text=True)
    assert 'idp_http_requests_total{endpoint="auth.login",method="GET",status="200"}' in text
    assert 'idp_oidc_token_requests_total{grant_type="refresh_token",outcome="refused"}' in text
    assert 'idp_logins_total{method="password",result="failed"}' in text
    assert "idp_http_request_duration_seconds_bucket" in text
    assert "# TYPE idp_enrollment_cases gauge" in text


def test_metrics_token_is_required_when_set(settings_overrides):
    from idp.app import create_app

    app = create_app({**settings_overrides, "metrics_token": "s3cret-metrics"})
    app.extensions["idp"].db.create_all()
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"}).status_code == 200
    app.extensions["idp"].db.dispose()


def test_json_logs_carry_the_request_id_and_mask_personal_data(app, capsys):
    from idp import logs

    logs.configure("INFO", "json", production=False)
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_idp", False))
    records = []
    handler.emit = lambda record: records.append(handler.format(record))  # capture the formatted line
    with app.test_request_context("/x"):
        from flask import g

        g.request_id = "req-12345678"
        logging.getLogger("idp.test").warning("user 31503901234567 aziz@example.uz +998901234567 tok %s",
                                              "A" * 40)
    line = json.loads(records[-1])
    assert line["request_id"] == "req-12345678" and line["level"] == "WARNING"
    assert "31503901234567" not in line["message"] and "aziz@example.uz" not in line["message"]
    assert "+998901234567" not in line["message"] and "A" * 40 not in line["message"]
    assert line["message"] == "user [pinfl] [email] [phone] tok [token]"
    logs.configure("INFO", "text", production=False)
