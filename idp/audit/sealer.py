"""A background sealer: every few seconds, one instance seals new records.

Every instance runs one; the seal lock lets one work at a time and the
others skip the round. Started lazily in the serving process (after a
gunicorn fork, never before).
"""
from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)


class Sealer:
    def __init__(self, database, sign, interval: float):
        self.database, self.sign, self.interval = database, sign, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def ensure_started(self) -> None:
        if self.interval <= 0 or (self._thread is not None and self._pid == os.getpid()):
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
        self._thread.start()

    def seal_now(self):
        from idp.audit.log import seal

        with self.database.transaction() as s:
            head = seal(s, self.sign)
            return None if head is None else head.tree_size

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.seal_now()
            except Exception as exc:  # database away: try again next round
                log.warning("audit seal skipped: %s", type(exc).__name__)

    def stop(self) -> None:
        self._stop.set()
