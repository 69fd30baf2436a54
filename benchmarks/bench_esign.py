"""E-signature login verifications per second on one core.

Each verification parses the CMS, checks the challenge and messageDigest,
the signer's signature, the path to the trusted root (root -> issuing CA ->
holder), validity, key usage and revocation against both CAs' CRLs (the
issuing CA's CRL lists 1,000 other certificates).

"cold" clears every cache before each verification (every certificate is
parsed and every signature checked: the CMS, two certificates and two
CRLs); "warm" keeps the caches of parsed and verified certificates and CRLs,
as a running server does for the CAs and for a returning user.

Run: python benchmarks/bench_esign.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from idp.esign import CrlStore, TrustStore, verify_signed_challenge  # noqa: E402
from idp.esign.caches import clear_caches  # noqa: E402
from idp.esign.pki import make_ca, make_crl, make_person, new_key  # noqa: E402
from idp.esign.signing import KeyFile, sign_challenge  # noqa: E402

CHALLENGE = b"bench-challenge-0123456789abcdef"


def setup(kind: str):
    root = make_ca("Bench Root CA", key=new_key(kind), path_len=1)
    issuing = make_ca("Bench Issuing CA", key=new_key(kind), issuer=root, path_len=0)
    holder = make_person(issuing, key=new_key(kind), surname="BENCH", given_name="USER", pinfl="31507851230018")
    rng = random.Random(1)
    others = [rng.getrandbits(63) + 1 for _ in range(1000)]
    crls = CrlStore([make_crl(root), make_crl(issuing, revoked=others)])
    trust = TrustStore([root.certificate])
    cms = sign_challenge(CHALLENGE, KeyFile(holder.key, holder.certificate, (issuing.certificate,)))
    return cms, trust, crls


def rate(cms, trust, crls, seconds: float, cold: bool) -> tuple[float, float]:
    """(per CPU-second of this process, per wall-clock second)."""
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        if cold:
            clear_caches()
        verify_signed_challenge(cms, expected_challenge=CHALLENGE, trust_anchors=trust, crls=crls)
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / (time.process_time() - cpu_start), count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per figure")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print("e-signature verifications per second on one core, CRL check on (1,000-entry CRL)")
    print("per CPU-second of this process (wall-clock rate in brackets; it drops when the machine is busy)")
    results = {}
    for label, kind in (("RSA-2048", "rsa2048"), ("ECDSA P-256", "p256")):
        cms, trust, crls = setup(kind)
        rate(cms, trust, crls, 0.2, cold=False)  # warm up
        (cold, cold_wall), (warm, warm_wall) = (
            rate(cms, trust, crls, args.seconds, cold=True),
            rate(cms, trust, crls, args.seconds, cold=False),
        )
        results[label] = (cold, warm)
        print(f"  {label:<12} cold {cold:6.0f}/s {1000 / cold:5.2f} ms [{cold_wall:5.0f}/s]   "
              f"warm {warm:6.0f}/s {1000 / warm:5.2f} ms [{warm_wall:5.0f}/s]   warm/cold {warm / cold:4.1f}x")
    rsa, ec = results["RSA-2048"], results["ECDSA P-256"]
    print(f"  RSA-2048 / ECDSA P-256: cold {rsa[0] / ec[0]:.2f}x, warm {rsa[1] / ec[1]:.2f}x")


if __name__ == "__main__":
    main()
