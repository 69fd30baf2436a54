"""A software eMRTD chip built from a synthetic passport. It answers SELECT,
GET CHALLENGE and EXTERNAL AUTHENTICATE (BAC), READ BINARY of EF.CardAccess,
MSE:Set AT and GENERAL AUTHENTICATE (PACE, when the passport has
EF.CardAccess), and after either only protected SELECT, READ BINARY (B0 and
B1) and INTERNAL AUTHENTICATE. Any input gets a status word; nothing raises."""

from __future__ import annotations

import os
from collections.abc import Callable

from asn1crypto import core

from .. import tlv
from ..env import refuse_in_production
from ..errors import AccessDenied, NfcError
from ..lds import BY_NAME, EMRTD_AID
from ..lds.files import EF_CARD_ACCESS
from ..reader.apdu import (
    SW_AUTH_FAILED,
    SW_CLA_NOT_SUPPORTED,
    SW_CONDITIONS_NOT_SATISFIED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_INS_NOT_SUPPORTED,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_SM_INCORRECT,
    SW_UNKNOWN,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    CommandAPDU,
)
from ..reader.bac import chip_respond, derive_bac_keys, initial_ssc, session_keys
from ..reader.pace import PaceChipSession, choose, parse_card_access
from ..reader.sm import SecureMessaging
from ..reader.transport import LocalTransport
from .aa import aa_sign
from .passport import SyntheticPassport

_BY_FID = {ef.fid: ef.name for ef in BY_NAME.values()}


class SoftwareChip:
    """``process(apdu) -> response`` like a contactless eMRTD chip."""

    def __init__(self, passport: SyntheticPassport, *, bac: bool = True,
                 random: Callable[[int], bytes] = os.urandom):
        refuse_in_production("the software eMRTD chip")
        self.passport = passport
        self.bac = bac  # False: a PACE-only chip
        self._random = random
        self._keys = derive_bac_keys(passport.document_key)
        self._pace_info = None
        card_access = passport.files.get("EF.CardAccess")
        if card_access:
            self._pace_info = choose(parse_card_access(card_access))
        self.reset()

    def reset(self) -> None:
        self._app = False
        self._challenge: bytes | None = None
        self._sm: SecureMessaging | None = None
        self._file: str | None = None
        self._pace: PaceChipSession | None = None

    def transport(self) -> LocalTransport:
        return LocalTransport(self.process)

    def process(self, apdu: bytes) -> bytes:
        try:
            cmd = CommandAPDU.parse(bytes(apdu))
        except NfcError:
            return SW_WRONG_LENGTH.to_bytes(2, "big")
        except Exception:
            return SW_UNKNOWN.to_bytes(2, "big")
        try:
            if cmd.cla & 0x0C == 0x0C:
                return self._protected(cmd)
            return self._plain_response(cmd)
        except Exception:  # a chip answers, whatever it is sent
            self.reset()
            return SW_UNKNOWN.to_bytes(2, "big")

    # --- unprotected ----------------------------------------------------------

    def _plain_response(self, cmd: CommandAPDU) -> bytes:
        if cmd.ins == 0x86 and cmd.cla in (0x00, 0x10):
            return self._general_authenticate(cmd)
        if cmd.cla != 0x00:
            return _sw(SW_CLA_NOT_SUPPORTED)
        if cmd.ins == 0x22 and (cmd.p1, cmd.p2) == (0xC1, 0xA4):
            return self._mse_set_at(cmd)
        if cmd.ins == 0xB0 and cmd.p1 == 0x80 | EF_CARD_ACCESS.sfi and self._sm is None:
            card_access = self.passport.files.get("EF.CardAccess")
            if card_access is None:
                return _sw(SW_FILE_NOT_FOUND)
            chunk = card_access[cmd.p2:cmd.p2 + (cmd.le or 256)]
            return chunk + _sw(SW_OK if len(chunk) == (cmd.le or 256) else SW_END_OF_FILE)
        if cmd.ins == 0xA4 and cmd.p1 == 0x04:
            self.reset()
            if cmd.data != EMRTD_AID:
                return _sw(SW_FILE_NOT_FOUND)
            self._app = True
            return _sw(SW_OK)
        if not self._app:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        if cmd.ins == 0x84:
            if not self.bac:
                return _sw(SW_INS_NOT_SUPPORTED)
            if cmd.le != 8 or cmd.data:
                return _sw(SW_WRONG_LENGTH)
            self._challenge = self._random(8)
            return self._challenge + _sw(SW_OK)
        if cmd.ins == 0x82:
            return self._external_authenticate(cmd)
        if self._sm is not None:
            self._sm = None  # an unprotected command ends the session (Part 11 9.8.6)
            return _sw(SW_SM_INCORRECT)
        return _sw(SW_SECURITY_NOT_SATISFIED)

    def _external_authenticate(self, cmd: CommandAPDU) -> bytes:
        challenge, self._challenge = self._challenge, None
        if challenge is None:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        k_ic = self._random(16)
        try:
            answer, rnd_ifd, k_ifd = chip_respond(self._keys, cmd.data, challenge, k_ic)
        except AccessDenied:
            self._sm = None
            return _sw(SW_AUTH_FAILED)
        ks_enc, ks_mac = session_keys(k_ifd, k_ic)
        self._sm = SecureMessaging(ks_enc, ks_mac, initial_ssc(challenge, rnd_ifd))
        return answer + _sw(SW_OK)

    # --- PACE (ICAO 9303 Part 11 section 4.4) -------------------------------------

    def _mse_set_at(self, cmd: CommandAPDU) -> bytes:
        self.reset()
        info = self._pace_info
        if info is None:
            return _sw(SW_INS_NOT_SUPPORTED)
        try:
            fields = {o.tag: o.value for o in tlv.decode_all(cmd.data)}
        except NfcError:
            return _sw(SW_WRONG_DATA)
        if (fields.get(0x80) != core.ObjectIdentifier(info.protocol).contents
                or fields.get(0x83) != b"\x01"
                or fields.get(0x84, bytes((info.parameter_id,))) != bytes((info.parameter_id,))):
            return _sw(SW_WRONG_DATA)
        self._pace = PaceChipSession(self.passport.document_key, info, self._random)
        return _sw(SW_OK)

    def _general_authenticate(self, cmd: CommandAPDU) -> bytes:
        session = self._pace
        if session is None:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        try:
            answer, sm = session.step(cmd.data)
        except AccessDenied:
            self.reset()
            return _sw(SW_AUTH_FAILED)
        except NfcError:
            self.reset()
            return _sw(SW_WRONG_DATA)
        if sm is not None:
            if cmd.cla != 0x00:  # the last step ends the chain
                self.reset()
                return _sw(SW_WRONG_DATA)
            self._pace = None
            self._sm = sm
        return answer + _sw(SW_OK)

    # --- protected --------------------------------------------------------------

    def _protected(self, cmd: CommandAPDU) -> bytes:
        sm = self._sm
        if sm is None:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        try:
            inner = sm.unprotect_command(cmd)
        except NfcError:
            self._sm = None
            return _sw(SW_SM_INCORRECT)
        data, sw = self._dispatch(inner)
        return sm.protect_response(data, sw, odd_ins=bool(inner.ins & 1))

    def _dispatch(self, cmd: CommandAPDU) -> tuple[bytes, int]:
        if cmd.ins == 0xA4 and cmd.p1 == 0x04:
            self._app = cmd.data == EMRTD_AID
            return b"", SW_OK if self._app else SW_FILE_NOT_FOUND
        if not self._app:
            return b"", SW_CONDITIONS_NOT_SATISFIED
        if cmd.ins == 0xA4 and cmd.p1 == 0x02:
            if len(cmd.data) != 2:
                return b"", SW_WRONG_DATA
            name = _BY_FID.get(int.from_bytes(cmd.data, "big"))
            if name is None or name not in self.passport.files or name == "EF.CardAccess":
                return b"", SW_FILE_NOT_FOUND
            self._file = name
            return b"", SW_OK
        if cmd.ins in (0xB0, 0xB1):
            return self._read_binary(cmd)
        if cmd.ins == 0x88:
            key = self.passport.aa_key
            if key is None:
                return b"", SW_INS_NOT_SUPPORTED
            if len(cmd.data) != 8:
                return b"", SW_WRONG_DATA
            return aa_sign(key, cmd.data, hash_name=self.passport.aa_hash), SW_OK
        return b"", SW_INS_NOT_SUPPORTED

    def _read_binary(self, cmd: CommandAPDU) -> tuple[bytes, int]:
        if cmd.ins == 0xB0:
            if cmd.p1 & 0x80:  # short EF identifier in P1, offset in P2
                sfi = cmd.p1 & 0x1F
                name = next((ef.name for ef in BY_NAME.values() if ef.sfi == sfi), None)
                if name is None or name not in self.passport.files:
                    return b"", SW_FILE_NOT_FOUND
                self._file = name
                offset = cmd.p2
            else:
                offset = (cmd.p1 << 8) | cmd.p2
        else:
            try:
                offset = int.from_bytes(tlv.decode(cmd.data, expected_tag=0x54).value, "big")
            except NfcError:
                return b"", SW_WRONG_DATA
        if self._file is None:
            return b"", SW_CONDITIONS_NOT_SATISFIED
        content = self.passport.files[self._file]
        if offset >= len(content):
            return b"", SW_WRONG_P1P2
        le = cmd.le or 256
        chunk = content[offset:offset + le]
        sw = SW_END_OF_FILE if len(chunk) < le else SW_OK
        if cmd.ins == 0xB1:
            return tlv.encode(0x53, chunk), sw
        return chunk, sw


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")
