"""The CSCA trust store, loaded once per process and reloaded when
`idp csca import` changes the directory (docs/nfc-csca-trust-store.md)."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import nfc

from enrollment.errors import TrustStoreUnavailable

log = logging.getLogger(__name__)


class TrustStoreCache:
    def __init__(self, path: str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._store: nfc.TrustStore | None = None

    def _fingerprint(self) -> tuple:
        if not self.path.exists():
            return ()
        entries = []
        for root, _dirs, files in os.walk(self.path):
            for name in files:
                stat = os.stat(os.path.join(root, name))
                entries.append((root, name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(entries))

    def get(self) -> nfc.TrustStore:
        signature = self._fingerprint()
        with self._lock:
            if self._store is None or signature != self._signature:
                try:
                    self._store = nfc.CscaDirectory(self.path).load()
                except nfc.NfcError as exc:
                    log.error("CSCA trust store %s unreadable: %s", self.path, exc.code)
                    raise TrustStoreUnavailable(exc.code) from None
                self._signature = signature
                if not len(self._store):
                    log.warning("CSCA trust store %s is empty: every passport will fail", self.path)
            return self._store
