"""PC/SC transport through pyscard, imported only when used so that the
package works without it (``pip install oneid-idp[pcsc]``)."""

from __future__ import annotations

from ..errors import TransportError


def _smartcard():
    try:
        from smartcard.System import readers  # type: ignore[import-not-found]
    except Exception as exc:  # ImportError, or a missing PC/SC library
        raise TransportError("PC/SC needs pyscard and a running pcscd "
                             f"({exc.__class__.__name__})") from exc
    return readers


def list_readers() -> list[str]:
    try:
        return [str(r) for r in _smartcard()()]
    except TransportError:
        raise
    except Exception as exc:
        raise TransportError(f"cannot list PC/SC readers: {exc}") from exc


class PcscTransport:
    """The first reader whose name contains ``reader`` (or the first reader)."""

    def __init__(self, reader: str | None = None):
        try:
            found = _smartcard()()
        except TransportError:
            raise
        except Exception as exc:
            raise TransportError(f"cannot list PC/SC readers: {exc}") from exc
        chosen = [r for r in found if reader is None or reader.lower() in str(r).lower()]
        if not chosen:
            raise TransportError("no matching PC/SC reader" if found else "no PC/SC reader")
        self.name = str(chosen[0])
        try:
            self._conn = chosen[0].createConnection()
            self._conn.connect()
        except Exception as exc:
            raise TransportError(f"no card on {self.name}: {exc}") from exc

    def transmit(self, apdu: bytes) -> bytes:
        try:
            data, sw1, sw2 = self._conn.transmit(list(apdu))
        except Exception as exc:
            raise TransportError(f"{self.name}: {exc}") from exc
        return bytes(data) + bytes((sw1, sw2))

    def close(self) -> None:
        try:
            self._conn.disconnect()
        except Exception:
            pass
