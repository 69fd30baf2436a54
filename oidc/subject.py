"""Subject identifiers: pairwise per sector (default) or public (Core 8)."""
from __future__ import annotations

import hashlib
import hmac


def subject_for(account_id: str, *, subject_type: str, sector: str, salt: str) -> str:
    if subject_type == "public":
        return account_id
    digest = hmac.new(salt.encode(), f"{sector}|{account_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]
