"""Small helpers shared by the in-process benchmarks."""
from __future__ import annotations

import os
import time


def pin_one_core() -> str:
    """Run this process on a single CPU, so figures are per core."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"CPU {cpu}"
    except (AttributeError, OSError):
        return "unpinned"


def best(fn, repeat: int, number: int = 1) -> float:
    """Seconds per call: the best of `repeat` batches of `number` calls (a
    shared machine only ever adds time)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)
