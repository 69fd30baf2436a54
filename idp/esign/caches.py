"""The verifier's caches, keyed by exact bytes, cleared together.

Parsed certificates, normalised names, loaded public keys and verified
certificate and CRL signatures are cached so that the CA certificates and
CRLs every login shares are processed once. Entries can't go stale (a
different certificate or CRL is different bytes); clearing only frees memory
or measures the uncached cost.
"""

from __future__ import annotations

from .algorithms import _load_key
from .certinfo import name_key, read_certificate
from .chain import _signed_by
from .crl import _crl_signed_by


def clear_caches() -> None:
    for cached in (_load_key, read_certificate, name_key, _signed_by, _crl_signed_by):
        cached.cache_clear()
