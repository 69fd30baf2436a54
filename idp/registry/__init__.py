"""The population register adapter (`CitizenRegistry`).

Production talks to the state register over HTTP; the embedded register is a
table seeded by ``idp demo`` and is refused when ``IDP_ENV=production``.
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from idp.db import Database
from idp.people.models import RegisterEntry
from idp.registry.models import RegisterPhoto

MAX_PHOTO_BYTES = 2 * 1024 * 1024


class RegistryUnavailable(RuntimeError):
    """The register could not be asked; callers show 'try again later'."""


@dataclass(frozen=True)
class RegisterRecord:
    pinfl: str
    family_name: str
    given_name: str
    patronymic: str | None
    family_name_cyr: str | None
    given_name_cyr: str | None
    patronymic_cyr: str | None
    birth_date: dt.date
    sex: str
    citizenship: str
    document_number: str
    document_expiry: dt.date | None

    def __repr__(self) -> str:  # never print personal data into logs
        return "RegisterRecord(<redacted>)"


class CitizenRegistry(Protocol):
    def find_by_pinfl(self, pinfl: str) -> RegisterRecord | None: ...
    def find_by_document(self, document_number: str, birth_date: dt.date) -> RegisterRecord | None: ...
    def document_photo(self, document_number: str, birth_date: dt.date) -> bytes | None:
        """The photo the register holds for this document (JPEG or PNG
        bytes), or None when it holds none or the birth date differs."""


def _record(row) -> RegisterRecord:
    return RegisterRecord(**{f: getattr(row, f) for f in RegisterRecord.__dataclass_fields__})


class EmbeddedRegistry:
    """The register table in our own database (demo and tests)."""

    def __init__(self, database: Database, *, environment: str):
        if environment == "production":
            raise RuntimeError("the embedded population register is refused in production")
        self.database = database

    def find_by_pinfl(self, pinfl: str) -> RegisterRecord | None:
        with self.database.transaction() as s:
            row = s.get(RegisterEntry, pinfl)
            return _record(row) if row else None

    def find_by_document(self, document_number: str, birth_date: dt.date) -> RegisterRecord | None:
        with self.database.transaction() as s:
            row = s.scalars(select(RegisterEntry).where(
                RegisterEntry.document_number == document_number.upper(),
                RegisterEntry.birth_date == birth_date)).first()
            return _record(row) if row else None

    def document_photo(self, document_number: str, birth_date: dt.date) -> bytes | None:
        with self.database.transaction() as s:
            photo = s.scalars(select(RegisterPhoto).join(RegisterEntry, RegisterEntry.pinfl == RegisterPhoto.pinfl)
                              .where(RegisterPhoto.document_number == document_number.upper(),
                                     RegisterEntry.document_number == document_number.upper(),
                                     RegisterEntry.birth_date == birth_date)).first()
            return bytes(photo.image) if photo else None

    def add_photo(self, pinfl: str, document_number: str, image: bytes, media_type: str = "image/jpeg") -> None:
        """Seed (or replace) a document's photo (demo and tests)."""
        with self.database.transaction() as s:
            s.merge(RegisterPhoto(document_number=document_number.upper(), pinfl=pinfl, media_type=media_type,
                                  image=image))


class HttpRegistry:
    """The state register's JSON API: ``GET {base}/persons/{pinfl}`` and
    ``GET {base}/persons?document=..&birth_date=YYYY-MM-DD``, answering one
    person object with the fields of `RegisterRecord` or 404."""

    def __init__(self, base_url: str, *, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path: str) -> RegisterRecord | None:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=self.timeout) as resp:
                data = json.load(resp)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise RegistryUnavailable(f"register answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise RegistryUnavailable(type(exc).__name__) from None
        for key in ("birth_date", "document_expiry"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        return RegisterRecord(**{f: data.get(f) for f in RegisterRecord.__dataclass_fields__})

    def find_by_pinfl(self, pinfl: str) -> RegisterRecord | None:
        return self._get("/persons/" + urllib.parse.quote(pinfl))

    def find_by_document(self, document_number: str, birth_date: dt.date) -> RegisterRecord | None:
        query = urllib.parse.urlencode({"document": document_number.upper(), "birth_date": birth_date.isoformat()})
        return self._get("/persons?" + query)

    def document_photo(self, document_number: str, birth_date: dt.date) -> bytes | None:
        """``GET {base}/documents/{number}/photo?birth_date=YYYY-MM-DD``: the
        image bytes, or 404 when the register holds none."""
        url = (self.base_url + "/documents/" + urllib.parse.quote(document_number.upper(), safe="") + "/photo?"
               + urllib.parse.urlencode({"birth_date": birth_date.isoformat()}))
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                data = resp.read(MAX_PHOTO_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise RegistryUnavailable(f"register answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RegistryUnavailable(type(exc).__name__) from None
        if len(data) > MAX_PHOTO_BYTES or not data:
            raise RegistryUnavailable("photo missing or too large")
        return data
