"""Reading a legacy request: parameters in the query string, the form body or
both, with names in any case (portals send `Scope` and `scope`)."""
from __future__ import annotations


class LegacyError(Exception):
    """A refused legacy call; `status` and an OAuth-style error code."""

    def __init__(self, error: str, description: str, status: int = 400, headers: dict | None = None):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status
        self.headers = headers or {}


MAX_VALUE = 2048


def merged(query, form) -> dict[str, str]:
    """One value per parameter name (lower-cased). A name given twice with
    different values, in one place or across the two, is refused."""
    values: dict[str, str] = {}
    for source in (query, form):
        for name, value in source.items(multi=True):
            key = name.strip().lower()
            if len(value) > MAX_VALUE:
                raise LegacyError("invalid_request", f"The '{key}' parameter is too long.")
            if key in values and values[key] != value:
                raise LegacyError("invalid_request", f"The '{key}' parameter is given twice.")
            values[key] = value
    return values
