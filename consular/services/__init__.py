"""Domain services of the consular package (no Flask here).

`ConsularServices` is the container the composition root builds once per
application. It shares with enrollment what both need to treat alike: the
biometric cipher (data at rest), the CSCA trust store and the biometrics
settings (match thresholds); the face analyser is built on first use, since
loading the face models takes a second.
"""
from __future__ import annotations

from biometrics import FaceAnalyzer

from consular.config import ConsularConfig
from consular.services.access import PortalSessions
from consular.services.limits import RateLimiter
from consular.services.printstash import PrintStash


class ConsularServices:
    def __init__(self, idp, config: ConsularConfig, enrollment):
        self.idp = idp
        self.config = config
        self.enrollment = enrollment
        self.limiter = RateLimiter(idp.state)
        self.portal_sessions = PortalSessions(idp.state, lifetime=config.session_lifetime,
                                              idle=config.idle_timeout)
        self._faces: FaceAnalyzer | None = None

    @property
    def link_key(self) -> bytes:
        """Key of the citizens' appointment links (appointments.manage_token)."""
        return self.idp.mac_key("consular-appointment-links")

    def manage_url(self, appointment) -> str:
        from consular.services.appointments import manage_token

        return f"{self.config.issuer}/consular/appointment/{manage_token(self.link_key, appointment.id)}"

    @property
    def print_stash(self) -> PrintStash:
        return PrintStash(self.idp.state, self.idp.mac_key("consular-print-stash"))

    @property
    def cipher(self):
        return self.enrollment.cipher

    def trust_store(self):
        return self.enrollment.trust.get()

    @property
    def faces(self) -> FaceAnalyzer:
        if self._faces is None:
            self._faces = FaceAnalyzer(self.enrollment.biometrics_settings())
        return self._faces

    @faces.setter
    def faces(self, analyzer: FaceAnalyzer) -> None:
        self._faces = analyzer
