"""Login-method costs on one core: argon2id password checks at the
configured parameters, TOTP verifications, one-time-code checks.

    python benchmarks/bench_auth.py [--seconds 5]
"""
from __future__ import annotations

import argparse
import os
import time

import pyotp

os.environ.setdefault("IDP_ENV", "development")

from idp.auth.codes import OneTimeCodes  # noqa: E402
from idp.state.counters import Hit  # noqa: E402
from idp.auth.passwords import Passwords  # noqa: E402
from idp.auth.totp import matching_step  # noqa: E402
from idp.config import load_settings  # noqa: E402


class MemoryStore:
    def __init__(self):
        self.data = {}

    def put(self, key, value, ttl):
        self.data[key] = dict(value)

    def get(self, key):
        v = self.data.get(key)
        return dict(v) if v else None

    def take(self, key):
        return self.data.pop(key, None)

    def add(self, key, value, ttl):
        return self.data.setdefault(key, value) is value

    def delete(self, key):
        self.data.pop(key, None)

    def hit(self, key, window):
        self.data[key] = {"n": self.data.get(key, {"n": 0})["n"] + 1}
        return Hit(self.data[key]["n"], window)


def rate(fn, seconds: float) -> tuple[float, float]:
    n, start = 0, time.perf_counter()
    cpu = time.process_time()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.process_time() - cpu), 1000 * (time.process_time() - cpu) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    s = load_settings()
    pw = Passwords(time_cost=s.argon2_time_cost, memory_kib=s.argon2_memory_kib, parallelism=s.argon2_parallelism)
    stored = pw.hash("correct horse battery staple")
    per_s, ms = rate(lambda: pw.verify(stored, "correct horse battery staple"), args.seconds)
    print(f"argon2id verify (t={s.argon2_time_cost}, m={s.argon2_memory_kib // 1024} MiB, p={s.argon2_parallelism}): "
          f"{per_s:8.1f}/s per core  ({ms:.1f} ms each)  vs Keycloak sizing 15 logins/s/vCPU: {per_s / 15:.2f}x")
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).now()
    per_s, ms = rate(lambda: matching_step(secret, code, last_step=None), args.seconds)
    print(f"TOTP verification:            {per_s:8.0f}/s per core  ({ms * 1000:.0f} µs each)")
    codes = OneTimeCodes(MemoryStore(), b"k" * 32)

    def one_code():
        holder = {}
        codes.send("bench", "acct", "email", lambda c: holder.setdefault("c", c))
        codes.verify("bench", "acct", "email", holder["c"])
        codes.state.data.clear()
    per_s, ms = rate(one_code, args.seconds)
    print(f"one-time code issue+verify:   {per_s:8.0f}/s per core  ({ms * 1000:.0f} µs each)")
    print("e-signature verification: see benchmarks/bench_esign.py")


if __name__ == "__main__":
    main()
