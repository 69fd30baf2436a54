"""Secure messaging (ICAO 9303 Part 11 section 9.8) with 3DES session keys
(after BAC) or AES session keys (after PACE).

One object serves both ends: the reader protects commands and unprotects
responses; the software chip does the reverse. The send sequence counter is
incremented before every protected command and every protected response.
"""

from __future__ import annotations

import hmac

from .. import tlv
from ..errors import NfcError, SecureMessagingError
from .apdu import CommandAPDU, ResponseAPDU
from .cipher import (
    aes_cbc,
    aes_cmac,
    aes_ecb_block,
    pad,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
    unpad,
)

_MAC_LEN = 8


class SecureMessaging:
    """``aes=False``: 3DES, 8-byte SSC, zero IV, retail MAC (section 9.8.6.1).
    ``aes=True``: AES, 16-byte SSC, IV = E(KSenc, SSC), CMAC (section 9.8.6.2)."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes, *, aes: bool = False):
        if aes:
            if len(ks_enc) not in (16, 24, 32) or len(ks_mac) != len(ks_enc) or len(ssc) != 16:
                raise ValueError("AES secure messaging needs equal AES keys and a 16-byte SSC")
        elif len(ks_enc) != 16 or len(ks_mac) != 16 or len(ssc) != 8:
            raise ValueError("3DES secure messaging needs 16-byte keys and an 8-byte SSC")
        self.aes = aes
        self._block = 16 if aes else 8
        self._ks_enc = ks_enc
        self._ks_mac = ks_mac
        self._ssc = int.from_bytes(ssc, "big")

    @property
    def ssc(self) -> bytes:
        return self._ssc.to_bytes(self._block, "big")

    def _next_ssc(self) -> bytes:
        self._ssc = (self._ssc + 1) % (1 << (8 * self._block))
        return self.ssc

    def _pad(self, data: bytes) -> bytes:
        return pad(data, self._block)

    def _mac(self, data: bytes) -> bytes:
        """MAC over SSC || data, padded (``data`` starts with the SSC)."""
        if self.aes:
            return aes_cmac(self._ks_mac, self._pad(data))[:_MAC_LEN]
        return retail_mac(self._ks_mac, pad(data))

    def _encrypt(self, data: bytes) -> bytes:
        if self.aes:
            return aes_cbc(self._ks_enc, self._pad(data), aes_ecb_block(self._ks_enc, self.ssc))
        return tdes_encrypt(self._ks_enc, pad(data))

    def _decrypt(self, data: bytes) -> bytes:
        if self.aes:
            plain = aes_cbc(self._ks_enc, data, aes_ecb_block(self._ks_enc, self.ssc), decrypt=True)
            return unpad(plain, 16)
        return unpad(tdes_decrypt(self._ks_enc, data))

    @staticmethod
    def _le_bytes(le: int) -> bytes:
        if le <= 256:
            return bytes((le % 256,))
        return (le % 65536).to_bytes(2, "big")

    # --- reader side ----------------------------------------------------

    def protect(self, cmd: CommandAPDU) -> CommandAPDU:
        """Wrap a plain command (section 9.8.4)."""
        cla = cmd.cla | 0x0C
        header = bytes((cla, cmd.ins, cmd.p1, cmd.p2))
        ssc = self._next_ssc()  # before encrypting: the AES IV derives from it
        do87 = b""
        if cmd.data:
            cryptogram = self._encrypt(cmd.data)
            do87 = (tlv.encode(0x85, cryptogram) if cmd.ins & 1
                    else tlv.encode(0x87, b"\x01" + cryptogram))
        do97 = tlv.encode(0x97, self._le_bytes(cmd.le)) if cmd.le is not None else b""
        mac = self._mac(ssc + self._pad(header) + do87 + do97)
        body = do87 + do97 + tlv.encode(0x8E, mac)
        le = 65536 if len(body) > 255 or (cmd.le or 0) > 256 else 256
        return CommandAPDU(cla, cmd.ins, cmd.p1, cmd.p2, body, le)

    def unprotect(self, raw: bytes) -> ResponseAPDU:
        """Check and unwrap a protected response (section 9.8.5)."""
        try:
            resp = ResponseAPDU.parse(raw)
            if not resp.data:
                # Chips answer some errors (6A82 file not found, 6982) with a
                # bare status word. Accept that for errors only: an unprotected
                # success would let anyone on the channel fake an answer.
                self._next_ssc()
                if resp.sw in (0x9000, 0x6282) or resp.sw >> 8 in (0x61, 0x90):
                    raise SecureMessagingError(f"unprotected response, status {resp.sw:04X}")
                return resp
            objs = tlv.decode_all(resp.data)
            tags = [o.tag for o in objs]
            if tags not in ([0x99, 0x8E], [0x87, 0x99, 0x8E], [0x85, 0x99, 0x8E],
                            [0x87, 0x8E], [0x85, 0x8E]):
                raise SecureMessagingError("unexpected secure messaging objects")
            mac_input = b"".join(o.encode() for o in objs[:-1])
            expected = self._mac(self._next_ssc() + mac_input)  # SSC also sets the AES IV
            if not hmac.compare_digest(expected, objs[-1].value):
                raise SecureMessagingError("response MAC does not verify")
            data = b""
            sw = resp.sw
            for obj in objs[:-1]:
                if obj.tag == 0x87:
                    if not obj.value or obj.value[0] != 0x01:
                        raise SecureMessagingError("unknown padding indicator")
                    data = self._decrypt(obj.value[1:])
                elif obj.tag == 0x85:
                    data = self._decrypt(obj.value)
                elif obj.tag == 0x99:
                    if len(obj.value) != 2:
                        raise SecureMessagingError("status object must have two bytes")
                    sw = int.from_bytes(obj.value, "big")
            return ResponseAPDU(data, sw)
        except SecureMessagingError:
            raise
        except NfcError as exc:
            raise SecureMessagingError(f"malformed protected response: {exc}") from exc

    # --- chip side ------------------------------------------------------

    def unprotect_command(self, cmd: CommandAPDU) -> CommandAPDU:
        """Check and unwrap a protected command (the chip's view)."""
        try:
            if cmd.cla & 0x0C != 0x0C:
                raise SecureMessagingError("command is not protected")
            objs = tlv.decode_all(cmd.data)
            if not objs or objs[-1].tag != 0x8E or len(objs[-1].value) != _MAC_LEN:
                raise SecureMessagingError("missing MAC object")
            tags = [o.tag for o in objs[:-1]]
            if tags not in ([], [0x87], [0x85], [0x97], [0x87, 0x97], [0x85, 0x97]):
                raise SecureMessagingError("unexpected secure messaging objects")
            header = bytes((cmd.cla, cmd.ins, cmd.p1, cmd.p2))
            mac_input = self._pad(header) + b"".join(o.encode() for o in objs[:-1])
            expected = self._mac(self._next_ssc() + mac_input)
            if not hmac.compare_digest(expected, objs[-1].value):
                raise SecureMessagingError("command MAC does not verify")
            data, le = b"", None
            for obj in objs[:-1]:
                if obj.tag == 0x87:
                    if not obj.value or obj.value[0] != 0x01:
                        raise SecureMessagingError("unknown padding indicator")
                    data = self._decrypt(obj.value[1:])
                elif obj.tag == 0x85:
                    data = self._decrypt(obj.value)
                elif obj.tag == 0x97:
                    if len(obj.value) not in (1, 2):
                        raise SecureMessagingError("bad Le object")
                    le = int.from_bytes(obj.value, "big") or (256 if len(obj.value) == 1 else 65536)
            return CommandAPDU(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2, data, le)
        except SecureMessagingError:
            raise
        except NfcError as exc:
            raise SecureMessagingError(f"malformed protected command: {exc}") from exc

    def protect_response(self, data: bytes, sw: int, *, odd_ins: bool = False) -> bytes:
        """Wrap a response (the chip's view)."""
        ssc = self._next_ssc()
        do87 = b""
        if data:
            cryptogram = self._encrypt(data)
            do87 = (tlv.encode(0x85, cryptogram) if odd_ins
                    else tlv.encode(0x87, b"\x01" + cryptogram))
        do99 = tlv.encode(0x99, sw.to_bytes(2, "big"))
        mac = self._mac(ssc + do87 + do99)
        return do87 + do99 + tlv.encode(0x8E, mac) + sw.to_bytes(2, "big")
