"""Application logs: one JSON object per line (production) or plain text,
each with the request id, and personal data masked on the way out.

Code should never log personal data; the mask is the second line of
defence: PINFLs (14 digits), e-mail addresses, phone numbers and long
bearer-like strings are replaced before a line is written.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re

MASKS = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])"), "[token]"),
    (re.compile(r"(?<!\d)\d{14}(?!\d)"), "[pinfl]"),
    (re.compile(r"\+\d{8,15}(?!\d)"), "[phone]"),
)


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        return None
    return g.get("request_id") if has_request_context() else None


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        request_id = _request_id()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, fmt: str, production: bool) -> None:
    """Install one handler on the root logger (idempotent)."""
    use_json = fmt == "json" or (fmt == "auto" and production)
    root = logging.getLogger()
    root.setLevel(level)
    handler = next((h for h in root.handlers if getattr(h, "_idp", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._idp = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if use_json else
                         MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
