"""The face comparison of the register-photo route: a selfie's frames against
a still reference (the register's photo, a page portrait), with the
`biometrics` library. The face models load on first use."""
from __future__ import annotations

import logging

from biometrics import BiometricsSettings
from biometrics.errors import BiometricsError
from biometrics.match import compare


log = logging.getLogger(__name__)


class FaceComparer:
    def __init__(self, settings: BiometricsSettings):
        self.settings = settings
        self._analyzer = None

    @property
    def analyzer(self):
        if self._analyzer is None:
            from biometrics.faces import FaceAnalyzer

            self._analyzer = FaceAnalyzer(self.settings)
        return self._analyzer

    def compare(self, reference: bytes, probes: list[bytes]) -> dict:
        """MatchResult.to_dict() over the probes that show one face, or
        {"decision": "unusable", "reason": ...} when no comparison is possible
        (the officer then compares the photos; a failing engine is not the
        citizen's doing)."""
        try:
            return self._compare(reference, probes)
        except Exception:  # noqa: BLE001
            log.exception("face comparison failed")
            return {"decision": "unusable", "reason": "comparison_unavailable"}

    def _compare(self, reference: bytes, probes: list[bytes]) -> dict:
        try:
            ref = self.analyzer.analyze(reference, role="reference")
        except BiometricsError as exc:
            return {"decision": "unusable", "reason": exc.reason}
        embeddings = []
        for probe in probes:
            try:
                embeddings.append(self.analyzer.analyze(probe, role="selfie", enforce_quality=False).embedding)
            except BiometricsError:
                continue
        if not embeddings:
            return {"decision": "unusable", "reason": "no_face_in_selfie"}
        return compare(ref.embedding, embeddings, self.settings).to_dict()
