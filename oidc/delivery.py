"""Back-channel logout deliveries: the record per relying party, and one attempt.

``attempt`` claims a due delivery with one conditional UPDATE (so two threads
or processes never send the same attempt), commits the claim, builds a fresh
logout token, POSTs it with a timeout while no transaction is open, and
records the outcome: ``delivered``, ``pending`` again with the time of the
next try, or ``failed``. The record and the log carry the client, the
delivery id and an error class, never the token or a message from the
relying party. No Flask here: ``oidc.delivery_worker`` runs the attempts.
"""
from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from idp.db import utcnow
from oidc.backchannel import logout_token
from oidc.models import BackchannelDelivery, Client

log = logging.getLogger(__name__)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# Seconds to wait before the 2nd, 3rd, ... attempt (the last one repeats).
BACKOFF = (1.0, 5.0, 30.0, 120.0)
# 4xx answers other than these mean the relying party refused the token:
# sending it again would not change its mind.
RETRYABLE_4XX = {408, 425, 429}


@dataclass(frozen=True)
class Policy:
    """How hard to try: per-call timeout, attempts before giving up, backoff."""

    timeout: float = 5.0
    max_attempts: int = 5
    backoff: tuple[float, ...] = BACKOFF

    @property
    def lease(self) -> dt.timedelta:
        # Long enough for one call; a claim left by a process that died expires.
        return dt.timedelta(seconds=2 * self.timeout + 10)

    def delay(self, attempts: int) -> float:
        return self.backoff[min(max(attempts - 1, 0), len(self.backoff) - 1)]


@dataclass(frozen=True)
class Outcome:
    """What one attempt did; safe to log."""

    delivery_id: str
    status: str  # delivered, pending (will retry), failed, or skipped (not ours to send now)
    client_id: str | None = None
    error: str | None = None
    retry_at: dt.datetime | None = None


def _claimable(now: dt.datetime):
    return (BackchannelDelivery.status == PENDING,
            or_(BackchannelDelivery.claimed_until.is_(None), BackchannelDelivery.claimed_until < now))


def claim(session: Session, delivery_id: str, *, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take a due delivery for one attempt; False when it is not due, not
    pending, or another worker holds it."""
    result = session.execute(update(BackchannelDelivery).where(
        BackchannelDelivery.id == delivery_id, BackchannelDelivery.next_attempt_at <= now, *_claimable(now),
    ).values(claimed_until=now + lease, attempts=BackchannelDelivery.attempts + 1, last_attempt_at=now))
    return result.rowcount == 1


def waiting(session: Session, *, now: dt.datetime | None = None, limit: int = 1000) -> list[tuple[str, dt.datetime]]:
    """Pending deliveries nobody holds, with the time each is due."""
    now = now or utcnow()
    rows = session.execute(select(BackchannelDelivery.id, BackchannelDelivery.next_attempt_at)
                           .where(*_claimable(now)).order_by(BackchannelDelivery.next_attempt_at).limit(limit))
    return [(row.id, row.next_attempt_at) for row in rows]


def reopen(session: Session, *, now: dt.datetime | None = None) -> int:
    """Make every failed delivery, and every pending one nobody holds, due
    now (``idp backchannel retry``); how many were failed."""
    now = now or utcnow()
    failed = session.execute(update(BackchannelDelivery).where(BackchannelDelivery.status == FAILED).values(
        status=PENDING, next_attempt_at=now, claimed_until=None)).rowcount
    session.execute(update(BackchannelDelivery).where(*_claimable(now)).values(next_attempt_at=now))
    return failed


def retry_all(idp, *, policy: Policy, threads: int = 8) -> list[Outcome]:
    """One more attempt, in parallel, at every delivery that did not succeed."""
    from concurrent.futures import ThreadPoolExecutor

    with idp.db.transaction() as session:
        reopen(session)
        ids = [delivery_id for delivery_id, _due in waiting(session, limit=100_000)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="backchannel-retry") as pool:
        return list(pool.map(lambda i: attempt(idp, i, policy=policy, final=True), ids))


def counts(session: Session) -> dict[str, dict[str, int]]:
    """Deliveries per client and status (``idp backchannel status``)."""
    rows = session.execute(select(BackchannelDelivery.client_id, BackchannelDelivery.status,
                                  func.count()).group_by(BackchannelDelivery.client_id, BackchannelDelivery.status))
    table: dict[str, dict[str, int]] = {}
    for client_id, status, n in rows:
        table.setdefault(client_id, {})[status] = n
    return table


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is an answer, not an instruction to post the token elsewhere


_opener = urllib.request.build_opener(_NoRedirect)


def post_logout_token(uri: str, token: str, *, timeout: float) -> str | None:
    """POST the token (section 2.5); None on 200/204, else an error class."""
    body = urllib.parse.urlencode({"logout_token": token}).encode()
    request = urllib.request.Request(uri, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-store"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (TimeoutError, socket.timeout):
        return "timeout"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            return "timeout"
        return "tls" if isinstance(exc.reason, ssl.SSLError) else "connection"
    except ssl.SSLError:
        return "tls"
    except (OSError, ValueError):
        return "connection"
    return None if status in (200, 204) else f"http_{status}"


def _retryable(error: str) -> bool:
    if error.startswith("http_"):
        code = int(error[5:])
        return code >= 500 or code in RETRYABLE_4XX
    return error in ("timeout", "connection", "tls", "internal")


def record(session: Session, delivery_id: str, error: str | None, *, policy: Policy, final: bool,
           now: dt.datetime | None = None) -> Outcome:
    now = now or utcnow()
    delivery = session.get(BackchannelDelivery, delivery_id)
    if delivery is None:  # its client was deleted meanwhile
        return Outcome(delivery_id, FAILED, error="client_gone")
    delivery.claimed_until = None
    if error:  # kept after a later success: what went wrong on the way
        delivery.last_error = error
    if error is None:
        delivery.status, delivery.delivered_at = DELIVERED, now
    elif final or delivery.attempts >= policy.max_attempts or not _retryable(error):
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=policy.delay(delivery.attempts))
        return Outcome(delivery_id, PENDING, delivery.client_id, error, delivery.next_attempt_at)
    return Outcome(delivery_id, delivery.status, delivery.client_id, error)


def attempt(idp, delivery_id: str, *, policy: Policy, final: bool = False) -> Outcome:
    """One attempt at one delivery. ``final``: no retry after a failure."""
    with idp.db.transaction() as session:
        if not claim(session, delivery_id, now=utcnow(), lease=policy.lease):
            return Outcome(delivery_id, "skipped")
    # The claim (and its attempt count) is committed, so even an attempt that
    # breaks below counts; no transaction is open while the relying party answers.
    client_id, uri = None, None
    try:
        with idp.db.transaction() as session:
            delivery = session.get(BackchannelDelivery, delivery_id)
            client = session.get(Client, delivery.client_id) if delivery else None
            client_id, uri = (client.client_id, client.backchannel_logout_uri) if client else (None, None)
            token = logout_token(idp, session, client, sid=delivery.sid, sub=delivery.sub) if uri else None
        error = post_logout_token(uri, token, timeout=policy.timeout) if uri else "client_gone"
    except Exception:  # a bug or the database: retried within the attempt limit
        log.exception("back-channel logout %s: attempt failed", delivery_id)
        error = "internal"
    with idp.db.transaction() as session:
        outcome = record(session, delivery_id, error, policy=policy, final=final or error == "client_gone")
    if error:
        log.warning("back-channel logout %s to client %s: %s (%s)", delivery_id, client_id, error, outcome.status)
    return outcome


def purge(session: Session, *, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Forget delivered and failed deliveries created before ``older_than``
    ago (``idp backchannel purge``); pending ones stay. How many went."""
    cutoff = (now or utcnow()) - older_than
    return session.execute(delete(BackchannelDelivery).where(
        BackchannelDelivery.status.in_((DELIVERED, FAILED)), BackchannelDelivery.created_at < cutoff)).rowcount
