"""Passport page scan benchmark: exact-read rates, wrong reads accepted,
refusal reasons and time per image, on generated phone photos.

    python benchmarks/bench_mrz.py [--pages 240] [--portrait]

Half the pages are framed as the capture guide asks, half are free
(tilt up to 15 degrees, the four right-angle turns, some as an EXIF tag,
stronger perspective, blur, noise and shade); see tests/docscan/mrz_pages.py.
Runs on one CPU core (affinity pinned, OpenCV and BLAS single-threaded).
Targets: 98% of guided and 90% of free pages read exactly, no wrong read
accepted, median under 300 ms per image.

With --portrait the biometrics face detector is given too, as on the
register-photo route, and the share of accepted reads whose page portrait
was found (docscan/portrait.py) is reported; the times then include it.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import collections  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "docscan"))

import cv2  # noqa: E402

import mrz_pages  # noqa: E402
from benchutil import pin_one_core  # noqa: E402
from docscan import scan_page  # noqa: E402
from docscan.glyphs import default_model  # noqa: E402

FIRST_SEED = 100_000  # apart from the tests' seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--portrait", action="store_true", help="also find the page portrait with a face detector")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    where = pin_one_core()
    default_model()
    detector = None
    if args.portrait:
        from biometrics import BiometricsSettings
        from biometrics.faces import FaceAnalyzer

        faces = FaceAnalyzer(BiometricsSettings()).detector
        detector = lambda rgb: faces.detect(rgb) or faces.detect(rgb, upsample=1)  # noqa: E731  (as the route does)
    print(f"bench_mrz: {args.pages} generated pages{' with the page portrait' if detector else ''}, {where}")
    for guided in (True, False):
        count = args.pages // 2
        exact = wrong = portraits = 0
        refused = collections.Counter()
        times = []
        for k in range(count):
            person, photo = mrz_pages.sample(FIRST_SEED + k + (0 if guided else 50_000), guided=guided)
            started = time.perf_counter()
            result = scan_page(photo.data, face_detector=detector)
            times.append(time.perf_counter() - started)
            portraits += result.portrait is not None
            if result.ok:
                if result.mrz.text == person.mrz():
                    exact += 1
                else:
                    wrong += 1
            else:
                refused.update(result.reasons)
        kind = "guided" if guided else "free"
        print(f"  {kind:6} read exactly {exact}/{count} ({100 * exact / count:.1f}%), wrong reads accepted {wrong}, "
              f"refused {count - exact - wrong} {dict(refused)}")
        if detector is not None:
            print(f"  {kind:6} page portrait found on {portraits}/{exact + wrong} accepted reads")
        print(f"  {kind:6} time per image: median {1000 * statistics.median(times):.0f} ms, "
              f"p90 {1000 * sorted(times)[int(0.9 * len(times))]:.0f} ms")


if __name__ == "__main__":
    main()
