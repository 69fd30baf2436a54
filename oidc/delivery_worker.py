"""Threads in the serving process that send back-channel logout tokens.

After a transaction that wrote deliveries commits (an SQLAlchemy
``after_commit`` hook on the application's session factory), their ids go
to a pool of threads that attempt them in parallel. A failed attempt is
scheduled again after its backoff. The table is the truth, not this memory:
the first request a process serves, and then every ``SWEEP_INTERVAL``
seconds while the worker runs, it reloads the pending deliveries nobody
holds, so those left by a restart or a crashed process are sent again
(``idp backchannel retry`` also sends the failed ones). Claims in the table
keep two processes from sending the same attempt.
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import os
import queue
import threading
import time

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from idp.db import utcnow
from oidc import delivery
from oidc.backchannel import PENDING_KEY

log = logging.getLogger(__name__)
THREADS = 8
SWEEP_INTERVAL = 60.0


class DeliveryWorker:
    def __init__(self, idp, policy: delivery.Policy, *, threads: int = THREADS,
                 sweep_interval: float = SWEEP_INTERVAL):
        self.idp, self.policy = idp, policy
        self.threads, self.sweep_interval = threads, sweep_interval
        self._lock = threading.Condition()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._running = False
        self._swept = False
        self._heap: list[tuple[float, int, str]] = []
        self._scheduled: set[str] = set()  # ids in the heap: a sweep does not add them twice
        self._seq = itertools.count()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def _this_process(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's threads did not come along
            self._reset()

    # -- what the application calls ------------------------------------------
    def submit(self, ids) -> None:
        """Attempt these deliveries now (their transaction has committed)."""
        with self._lock:
            self._this_process()
            self._start()
            for delivery_id in ids:
                self._queue.put(delivery_id)

    def sweep_once(self) -> None:
        """The first call in a process reloads what earlier processes left."""
        if self._swept and self._pid == os.getpid():
            return
        with self._lock:
            self._this_process()
            if self._swept:
                return
            self._swept = True
        self.sweep(start=False)

    def sweep(self, *, start: bool = True, only_if_running: bool = False) -> int:
        """Schedule every pending delivery nobody holds; how many."""
        try:
            with self.idp.db.transaction() as session:
                rows = delivery.waiting(session)
        except SQLAlchemyError as exc:  # no table yet (before `idp db upgrade`), database away
            log.warning("back-channel logout sweep skipped: %s", type(exc).__name__)
            return 0
        if rows or start:
            with self._lock:
                if only_if_running and not self._running:  # stopped meanwhile: the table keeps them
                    return len(rows)
                self._start()
                for delivery_id, due in rows:
                    self._schedule(delivery_id, due)
        return len(rows)

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued, being sent or scheduled (tests, CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._heap and self._queue.unfinished_tasks == 0:
                    return True
            time.sleep(0.01)
        return False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the threads and wait for the attempts under way to end.

        What is still queued stays pending in the table, for the next sweep."""
        with self._lock:
            if not self._running or self._pid != os.getpid():
                return
            self._running = False
            self._heap.clear()
            self._scheduled.clear()
            while True:  # queued, not yet begun: left to the table
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
                self._queue.task_done()
            for _ in range(self.threads):
                self._queue.put(None)
            self._lock.notify_all()
            threads, self._threads = self._threads, []
        deadline = time.monotonic() + timeout
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    # -- threads ----------------------------------------------------------------
    def _start(self) -> None:
        if self._running:
            return
        self._running = True
        self._threads = [threading.Thread(target=self._work, name=f"backchannel-{n}", daemon=True)
                         for n in range(self.threads)]
        self._threads.append(threading.Thread(target=self._schedule_loop, name="backchannel-scheduler",
                                              daemon=True))
        for thread in self._threads:
            thread.start()

    def _schedule(self, delivery_id: str, due: dt.datetime) -> None:
        if delivery_id in self._scheduled:
            return
        self._scheduled.add(delivery_id)
        delay = max(0.0, (due - utcnow()).total_seconds())
        heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), delivery_id))
        self._lock.notify_all()

    def _schedule_loop(self) -> None:
        next_sweep = time.monotonic() + self.sweep_interval
        while True:
            with self._lock:
                if not self._running:
                    return
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    delivery_id = heapq.heappop(self._heap)[2]
                    self._scheduled.discard(delivery_id)
                    self._queue.put(delivery_id)
                wake = min(next_sweep, self._heap[0][0]) if self._heap else next_sweep
                self._lock.wait(timeout=max(0.0, wake - now))
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + self.sweep_interval
                self.sweep(only_if_running=True)

    def _work(self) -> None:
        while True:
            delivery_id = self._queue.get()
            try:
                if delivery_id is None:
                    return
                outcome = delivery.attempt(self.idp, delivery_id, policy=self.policy)
                if outcome.status == delivery.PENDING and outcome.retry_at is not None:
                    with self._lock:
                        if self._running:
                            self._schedule(delivery_id, outcome.retry_at)
            except Exception:  # one bad delivery must not stop the thread
                log.exception("back-channel logout %s: attempt raised", delivery_id)
            finally:
                self._queue.task_done()


def init_app(app, idp) -> DeliveryWorker:
    worker = DeliveryWorker(idp, delivery.Policy())
    app.extensions["oidc_backchannel"] = worker

    @event.listens_for(idp.db.factory, "after_commit")
    def _send_after_commit(session):
        ids = session.info.pop(PENDING_KEY, None)
        if ids:
            worker.submit(ids)

    @event.listens_for(idp.db.factory, "after_rollback")
    def _forget_on_rollback(session):
        session.info.pop(PENDING_KEY, None)

    app.before_request(worker.sweep_once)
    return worker
