"""Benchmark of the eMRTD library: passive + active authentication of one
passport, and a full simulated BAC read.

    python benchmarks/bench_nfc.py [--iterations N]

Prints milliseconds per operation and ratios against the 20 ms target.
Single-threaded; the figures are per core.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nfc import ChipData, verify_chip  # noqa: E402
from nfc.lds import parse_sod  # noqa: E402
from nfc.reader.passport_reader import read_passport  # noqa: E402
from nfc.testing import TestPKI, aa_sign, make_passport, trust_store_for  # noqa: E402
from nfc.testing.chip import SoftwareChip  # noqa: E402

TARGET_MS = 20.0


def portrait() -> bytes:
    from PIL import Image
    from skimage import data

    out = io.BytesIO()
    Image.fromarray(data.astronaut()).crop((64, 0, 448, 512)).resize((480, 640)).save(
        out, format="JPEG", quality=90)
    return out.getvalue()


def timed(fn, iterations: int) -> list[float]:
    fn()  # warm up
    runs = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def line(label: str, runs: list[float], *, against_target: bool = True) -> float:
    med = statistics.median(runs)
    p95 = sorted(runs)[int(len(runs) * 0.95) - 1]
    tail = f"   {med / TARGET_MS:5.2f} x target" if against_target else ""
    print(f"  {label:<46} median {med:7.2f} ms   p95 {p95:7.2f} ms   "
          f"{1000 / med:7.0f}/s{tail}")
    return med


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    n = args.iterations
    face = portrait()
    print(f"portrait JPEG {len(face)} bytes; {n} iterations each; target {TARGET_MS:.0f} ms\n")

    results = {}
    for label, csca, dsc, aa in [
        ("EC P-256 DSC, RSA-1024 AA", "ec-p384", "ec-p256", "rsa-1024"),
        ("RSA-2048 DSC, RSA-2048 AA", "rsa-3072", "rsa-2048", "rsa-2048"),
        ("brainpool384 DSC, ECDSA brainpool256 AA", "ec-brainpool512", "ec-brainpool384",
         "ec-brainpool256"),
    ]:
        pki = TestPKI.create(csca_key=csca, dsc_key=dsc)
        store = trust_store_for(pki)
        passport = make_passport(pki, portrait=face, aa_key=aa, explicit_ec_params=True,
                                 pace=True)
        nonce = os.urandom(8)
        chip = ChipData(passport.files, aa_sign(passport.aa_key, nonce, hash_name=passport.aa_hash),
                        nonce)

        def verify(chip=chip, store=store, nonce=nonce):
            report = verify_chip(chip, trust_store=store, expected_nonce=nonce)
            assert report.ok, report.failures

        print(label)
        results[label] = line("passive + active authentication (verify_chip)", timed(verify, n))
        line("  of which: EF.SOD decode", timed(lambda p=passport: parse_sod(p.files["EF.SOD"]), n))

        counts = []

        def read(passport=passport, nonce=nonce, counts=counts, access="bac"):
            transport = SoftwareChip(passport).transport()
            read_passport(transport, passport.document_key, nonce=nonce, access=access)
            counts.append(transport.sent)

        results[label + " read"] = line("full simulated BAC read (all files + AA)",
                                        timed(read, max(10, n // 10)), against_target=False)
        size = sum(len(v) for v in passport.files.values())
        print(f"  {'':<46} {counts[-1]} APDUs, {size} bytes of LDS files")
        line("full simulated PACE read (brainpool256, AES)",
             timed(lambda: read(access="pace"), max(10, n // 10)), against_target=False)
        print()

    first = next(iter(results))
    print("ratios")
    for label, value in results.items():
        if not label.endswith(" read"):
            print(f"  {label:<46} {value / results[first]:5.2f} x the first row, "
                  f"{TARGET_MS / value:5.1f} x headroom under {TARGET_MS:.0f} ms")
    for label, value in results.items():
        if label.endswith(" read"):
            base = results[label[:-5]]
            print(f"  {label[:-5]:<46} simulated read costs {value / base:5.1f} x a verification")


if __name__ == "__main__":
    main()
