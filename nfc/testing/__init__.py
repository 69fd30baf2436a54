"""Test-only material: a test eMRTD PKI, synthetic passports, tampered
variants and a software chip. Everything here refuses to run when
IDP_ENV=production."""

from .aa import aa_sign
from .passport import Identity, SyntheticPassport, make_passport, resign
from .pki import Issued, TestPKI
from .tamper import VARIANTS, TamperedCase, tampered, trust_store_for

__all__ = ["VARIANTS", "Identity", "Issued", "SyntheticPassport", "TamperedCase", "TestPKI",
           "aa_sign", "make_passport", "resign", "tampered", "trust_store_for"]
