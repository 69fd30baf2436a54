"""Reading an eMRTD over PACE or BAC and secure messaging (ICAO 9303 Part 10
section 3 and Part 11 sections 4.3, 4.4 and 6.1): EF.CardAccess, SELECT the
application and each file, READ BINARY in chunks (odd INS B1 past offset
32767), and INTERNAL AUTHENTICATE for Active Authentication."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from .. import tlv
from ..errors import AccessDenied, NfcError, ProtocolError, StatusWordError
from ..lds import EMRTD_AID, by_name, parse_com
from ..lds.files import EF_CARD_ACCESS
from ..mrz import DocumentKey
from ..verify import ChipData
from .apdu import SW_END_OF_FILE, SW_FILE_NOT_FOUND, SW_OK, CommandAPDU, ResponseAPDU
from .bac import perform_bac
from .pace import choose, parse_card_access, perform_pace
from .sm import SecureMessaging
from .transport import Transport, exchange, plain

DEFAULT_FILES = ("EF.COM", "EF.SOD", "DG1", "DG2", "DG11", "DG12", "DG14", "DG15")
MAX_FILE_SIZE = 1 << 20  # no LDS file is larger; refuse a chip that claims more
MAX_SHORT_OFFSET = 0x7FFF


class PassportReader:
    def __init__(self, transport: Transport, *, max_read: int = 0xDF,
                 random: Callable[[int], bytes] = os.urandom):
        if not 1 <= max_read <= 0xFF:
            raise ValueError("max_read must fit a short Le")
        self.transport = transport
        self.max_read = max_read
        self._random = random
        self._sm: SecureMessaging | None = None
        self.access_control: str | None = None

    # --- session ---------------------------------------------------------

    def select_application(self) -> None:
        resp = plain(self.transport)(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
        if not resp.ok:
            raise StatusWordError(resp.sw, f"eMRTD application not found ({resp.sw:04X})")

    def authenticate(self, key: DocumentKey) -> None:
        """Basic Access Control; afterwards every command is protected."""
        self._sm = perform_bac(plain(self.transport), key, random=self._random).secure_messaging
        self.access_control = "BAC"

    def read_card_access(self) -> bytes | None:
        """EF.CardAccess from the master file (READ BINARY with SFI 1C), or None."""
        send = plain(self.transport)
        resp = send(CommandAPDU(0x00, 0xB0, 0x80 | EF_CARD_ACCESS.sfi, 0x00, le=256))
        if resp.sw not in (SW_OK, SW_END_OF_FILE) or not resp.data:
            return None
        total = tlv.file_length(resp.data)
        data = bytearray(resp.data)
        while len(data) < total and total <= 0x7FFF:
            more = send(CommandAPDU(0x00, 0xB0, len(data) >> 8, len(data) & 0xFF,
                                    le=min(self.max_read, total - len(data))))
            if more.sw not in (SW_OK, SW_END_OF_FILE) or not more.data:
                raise ProtocolError("EF.CardAccess read failed")
            data += more.data
        return bytes(data[:total])

    def open_session(self, key: DocumentKey, *, access: str = "auto") -> str:
        """PACE when EF.CardAccess offers a supported variant (``auto`` or
        ``pace``), otherwise BAC; then the eMRTD application is selected.
        Returns "PACE" or "BAC"."""
        if access not in ("auto", "pace", "bac"):
            raise ValueError("access must be auto, pace or bac")
        info = None
        if access != "bac":
            raw = self.read_card_access()
            try:
                info = choose(parse_card_access(raw)) if raw else None
            except NfcError:
                info = None
            if info is None and access == "pace":
                raise ProtocolError("the chip offers no supported PACE variant")
        if info is None:
            self.select_application()
            self.authenticate(key)
            return "BAC"
        self._sm = perform_pace(plain(self.transport), key, info, random=self._random)
        self.access_control = "PACE"
        resp = self._send(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
        if resp.sw != SW_OK:
            raise StatusWordError(resp.sw, f"eMRTD application not found ({resp.sw:04X})")
        return "PACE"

    def _send(self, cmd: CommandAPDU) -> ResponseAPDU:
        if self._sm is None:
            raise AccessDenied("authenticate before reading")
        raw = exchange(self.transport, self._sm.protect(cmd))
        return self._sm.unprotect(raw)

    # --- files -----------------------------------------------------------

    def select_file(self, fid: int) -> bool:
        resp = self._send(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if resp.sw == SW_FILE_NOT_FOUND:
            return False
        if resp.sw != SW_OK:
            raise StatusWordError(resp.sw)
        return True

    def _read(self, offset: int, length: int) -> bytes:
        if offset <= MAX_SHORT_OFFSET:
            resp = self._send(CommandAPDU(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length))
            data = resp.data
        else:
            do54 = tlv.encode(0x54, offset.to_bytes(3, "big"))
            resp = self._send(CommandAPDU(0x00, 0xB1, 0x00, 0x00, do54, le=length))
            data = tlv.decode(resp.data, expected_tag=0x53).value if resp.data else b""
        if resp.sw not in (SW_OK, SW_END_OF_FILE):
            raise StatusWordError(resp.sw, f"READ BINARY failed ({resp.sw:04X})")
        if not data or len(data) > length:
            raise ProtocolError("READ BINARY returned an unexpected length")
        return data

    def read_file(self, name: str) -> bytes | None:
        """The whole file, or None when the chip does not have it."""
        info = by_name(name)
        if not self.select_file(info.fid):
            return None
        head = self._read(0, 8)
        total = tlv.file_length(head)
        if total > MAX_FILE_SIZE:
            raise ProtocolError(f"{name} claims {total} bytes")
        data = bytearray(head[:total])
        while len(data) < total:
            chunk = self._read(len(data), min(self.max_read, total - len(data)))
            data += chunk
        return bytes(data[:total])

    def internal_authenticate(self, nonce: bytes, *, extended: bool = False) -> bytes:
        """Active Authentication: the chip signs the 8-byte nonce (section 6.1).

        ``extended`` asks for an extended-length answer, needed when the
        protected signature of a large RSA key exceeds 256 bytes."""
        if len(nonce) != 8:
            raise ValueError("the Active Authentication nonce is 8 bytes")
        resp = self._send(CommandAPDU(0x00, 0x88, 0x00, 0x00, nonce,
                                      le=65536 if extended else 256))
        if resp.sw != SW_OK or not resp.data:
            raise StatusWordError(resp.sw, f"INTERNAL AUTHENTICATE failed ({resp.sw:04X})")
        return resp.data

    # --- everything --------------------------------------------------------

    def read(self, key: DocumentKey, *, nonce: bytes | None = None,
             files: Iterable[str] = DEFAULT_FILES, access: str = "auto") -> ChipData:
        """Authenticate (PACE or BAC), read the files and answer the nonce."""
        wanted = list(files)
        self.open_session(key, access=access)
        out: dict[str, bytes] = {}
        com = self.read_file("EF.COM")
        present = None
        if com is not None:
            out["EF.COM"] = com
            try:
                present = {f"DG{n}" for n in parse_com(com).data_groups}
            except NfcError:
                present = None  # unsigned; fall back to trying each file
        for name in wanted:
            if name == "EF.COM" or name in out:
                continue
            if name.startswith("DG") and present is not None and name not in present:
                continue
            raw = self.read_file(name)
            if raw is not None:
                out[name] = raw
        signature = None
        if nonce is not None and "DG15" in out:
            signature = self.internal_authenticate(nonce, extended=_large_rsa(out["DG15"]))
        return ChipData(out, signature, nonce)


def _large_rsa(dg15: bytes) -> bool:
    """RSA keys above 1536 bits give signatures that need extended length."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from ..lds.dg15 import parse_dg15

    try:
        key = parse_dg15(dg15).public_key
    except NfcError:
        return False
    return isinstance(key, rsa.RSAPublicKey) and key.key_size > 1536


def read_passport(transport: Transport, key: DocumentKey, *, nonce: bytes | None = None,
                  files: Iterable[str] = DEFAULT_FILES, access: str = "auto") -> ChipData:
    return PassportReader(transport).read(key, nonce=nonce, files=files, access=access)
