"""What operators and their monitoring see: liveness, readiness, metrics, a
request id on every request, and a clean 503 when a backing store is away.

- ``/healthz``: the process answers (no dependency is touched).
- ``/readyz``: the database and, when configured, Redis answer; else 503
  with ``Retry-After`` so a load balancer takes this instance out.
- ``/metrics``: Prometheus text format. With several gunicorn workers the
  values of every worker are summed (prometheus_client's multiprocess mode,
  set up by ``idp serve``). Guarded by ``IDP_METRICS_TOKEN`` when set.
"""
from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import time

from flask import Blueprint, Response, g, jsonify, make_response, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
RETRY_AFTER = "5"
UNMONITORED = {"ops.healthz", "ops.readyz", "ops.metrics", "static"}

REQUESTS = Counter("idp_http_requests_total", "HTTP requests by endpoint, method and status",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("idp_http_request_duration_seconds", "Request latency by endpoint", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LOGINS = Counter("idp_logins_total", "Login steps by method and result", ["method", "result"])
GRANTS = Counter("idp_oidc_token_requests_total", "Token endpoint requests by grant type and outcome",
                 ["grant_type", "outcome"])
UNAVAILABLE = Counter("idp_backend_unavailable_total", "Requests answered 503 because a backing store was away",
                      ["backend"])
KNOWN_GRANTS = {"authorization_code", "refresh_token", "client_credentials"}


def count_audit_event(event: str) -> None:
    """Audit hook: `login.<method>.<result>` events become login counts."""
    parts = event.split(".")
    if len(parts) == 3 and parts[0] == "login":
        LOGINS.labels(parts[1], parts[2]).inc()


class EnrollmentCases:
    """Enrollment cases by state, read from the database at scrape time."""

    def __init__(self, database):
        self.database = database

    def describe(self):
        return []

    def collect(self):
        from sqlalchemy import func, select

        from enrollment.models import EnrollmentCase

        family = GaugeMetricFamily("idp_enrollment_cases", "Enrollment cases by state", labels=["state"])
        try:
            with self.database.transaction() as s:
                for state, count in s.execute(select(EnrollmentCase.status, func.count())
                                              .group_by(EnrollmentCase.status)):
                    family.add_metric([str(state)], count)
        except Exception as exc:  # the database is away: report what can be reported
            log.warning("enrollment metrics skipped: %s", type(exc).__name__)
        yield family


def exposition(database) -> bytes:
    """Every metric in Prometheus text format: this process's (or, under
    gunicorn, every worker's summed) counters, then the database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        text = generate_latest(REGISTRY)
    gauges = CollectorRegistry()
    gauges.register(EnrollmentCases(database))
    return text + generate_latest(gauges)


def _idp():
    from flask import current_app

    return current_app.extensions["idp"]


@bp.route("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.route("/readyz")
def readyz():
    idp = _idp()
    checks = {"database": _check_database(idp), "redis": _check_redis(idp)}
    ready = all(v in ("ok", "not_configured") for v in checks.values())
    response = jsonify({"status": "ready" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = RETRY_AFTER
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_database(idp) -> str:
    from sqlalchemy import text

    try:
        with idp.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:
        log.warning("readiness: database unavailable (%s)", type(exc).__name__)
        return "unavailable"


def _check_redis(idp) -> str:
    url = idp.settings.redis_url
    if not url:
        return "not_configured"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except Exception as exc:
        log.warning("readiness: redis unavailable (%s)", type(exc).__name__)
        return "unavailable"


@bp.route("/metrics")
def metrics():
    idp = _idp()
    token = idp.settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return Response("unauthorized\n", 401, {"WWW-Authenticate": "Bearer"})
    return Response(exposition(idp.db), 200, {"Content-Type": CONTENT_TYPE_LATEST,
                                                              "Cache-Control": "no-store"})


def _before():
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if REQUEST_ID_RE.match(incoming) else secrets.token_hex(8)
    g.request_started = time.perf_counter()


def _after(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    endpoint = request.endpoint or "unmatched"
    if endpoint in UNMONITORED:
        return response
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    if endpoint == "oidc.token" and response.status_code != 413:
        try:
            grant = request.form.get("grant_type", "")
        except Exception:  # a body the request could not read (too large, malformed)
            grant = ""
        GRANTS.labels(grant if grant in KNOWN_GRANTS else "other",
                      "issued" if response.status_code == 200 else "refused").inc()
    return response


def unavailable_response(backend: str, page, exc: BaseException | None = None):
    """A 503 with Retry-After for a request that met an unreachable store."""
    UNAVAILABLE.labels(backend).inc()
    cause = getattr(exc, "orig", None) or exc
    detail = f"{type(cause).__name__}: {str(cause).splitlines()[0][:200]}" if cause is not None else ""
    log.error("%s unavailable on %s %s (%s)", backend, request.method, request.endpoint or "unmatched", detail)
    response = make_response(page())
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def init_app(app) -> None:
    from idp.audit.log import RECORD_HOOKS

    if count_audit_event not in RECORD_HOOKS:
        RECORD_HOOKS.append(count_audit_event)
    app.before_request(_before)
    app.after_request(_after)
    app.register_blueprint(bp)
