"""Apache httpd with mod_auth_openidc as a relying party, for interoperability tests.

Debian's ``apache2`` and ``libapache2-mod-auth-openidc``, started as a plain
process (no system service): a generated configuration in a temporary
directory, its own pid file, error log and runtime directory, one child
process (mpm_event) on a free loopback port, modules loaded by absolute path.

    apache = ApacheRelyingParty(workdir, port=free_port(), issuer=..., client_id=..., client_secret=...)
    with apache.running():
        requests.get(apache.url("/protected/"))

The protected location serves a static page and echoes the ``sub`` claim
mod_auth_openidc put in the environment as the ``X-Oidc-Sub`` header; the
redirect URI inside it answers mod_auth_openidc's hooks (``?info=json``,
``?refresh=``, ``?logout=``, and back-channel logout at ``?logout=backchannel``).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from live import HOST, ServerProcess

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
OPENIDC = MODULES / "mod_auth_openidc.so"
NEEDED_MODULES = {
    "mpm_event_module": "mod_mpm_event.so",
    "authn_core_module": "mod_authn_core.so",
    "authz_core_module": "mod_authz_core.so",
    "authz_user_module": "mod_authz_user.so",
    "headers_module": "mod_headers.so",
    "auth_openidc_module": "mod_auth_openidc.so",
}
REDIRECT_PATH = "/protected/redirect_uri"
PROTECTED_PAGE = "/protected/index.html"
LOGGED_OUT_PAGE = "/loggedout.html"


def missing() -> str | None:
    """Why Apache with mod_auth_openidc cannot run here, or None."""
    if not APACHE.exists():
        return f"{APACHE} is not installed (Debian package apache2)"
    absent = [name for name in NEEDED_MODULES.values() if not (MODULES / name).exists()]
    if absent:
        return f"Apache modules missing from {MODULES}: {', '.join(absent)} (libapache2-mod-auth-openidc)"
    return None


@dataclass
class ApacheRelyingParty:
    workdir: Path
    port: int
    issuer: str
    client_id: str
    client_secret: str
    scope: str = "openid profile"
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def redirect_uri(self) -> str:
        return self.url(REDIRECT_PATH)

    @property
    def backchannel_logout_uri(self) -> str:
        return self.redirect_uri + "?logout=backchannel"  # where mod_auth_openidc expects it

    def config(self, docroot: Path) -> str:
        run = self.workdir / "run"
        modules = "\n".join(f"LoadModule {name} {MODULES / so}" for name, so in NEEDED_MODULES.items())
        # As root, httpd's children must switch to an unprivileged user.
        user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
        return f"""\
ServerRoot "{self.workdir}"
ServerName {HOST}:{self.port}
Listen {HOST}:{self.port}
PidFile "{self.workdir}/httpd.pid"
ErrorLog "{self.workdir}/error.log"
LogLevel warn auth_openidc:info
DefaultRuntimeDir "{run}"
Mutex file:{run} default
{modules}
{user}
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16
DocumentRoot "{docroot}"
<Directory "{docroot}">
    Require all granted
</Directory>
ForceType text/html

OIDCProviderMetadataURL {self.issuer}/.well-known/openid-configuration
OIDCClientID {self.client_id}
OIDCClientSecret {self.client_secret}
OIDCProviderTokenEndpointAuth client_secret_basic
OIDCRedirectURI {self.redirect_uri}
OIDCCryptoPassphrase {self.passphrase}
OIDCScope "{self.scope}"
OIDCPKCEMethod S256
OIDCSessionType server-cache
OIDCCacheType shm
OIDCPassClaimsAs environment
OIDCInfoHook iat access_token access_token_expires id_token userinfo refresh_token session
OIDCDefaultLoggedOutURL {self.url(LOGGED_OUT_PAGE)}

<Location /protected>
    AuthType openid-connect
    Require valid-user
    Header set X-Oidc-Sub "%{{OIDC_CLAIM_sub}}e"
</Location>
"""

    @contextlib.contextmanager
    def running(self) -> Iterator[ServerProcess]:
        """Apache in the foreground until the block ends. Its document root
        lives in its own world-readable directory: as root, the children
        run as ``nobody``, who cannot enter pytest's private temp dirs."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "run").mkdir(exist_ok=True)
        docroot = Path(tempfile.mkdtemp(prefix="apache-htdocs-"))
        try:
            os.chmod(docroot, 0o755)
            (docroot / "protected").mkdir(mode=0o755)
            for path, text in {"/healthz.html": "ok", PROTECTED_PAGE: "protected page",
                               LOGGED_OUT_PAGE: "logged out"}.items():
                (docroot / path.lstrip("/")).write_text(text)
                os.chmod(docroot / path.lstrip("/"), 0o644)
            conf = self.workdir / "httpd.conf"
            conf.write_text(self.config(docroot))
            server = ServerProcess.start("apache", [str(APACHE), "-f", str(conf), "-DFOREGROUND"],
                                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, cwd=self.workdir)
            try:
                server.wait_until_ready(self.url("/healthz.html"))
                yield server
            finally:
                server.stop()
        finally:
            shutil.rmtree(docroot, ignore_errors=True)

    def error_log(self, lines: int = 60) -> str:
        try:
            return "\n".join((self.workdir / "error.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no error log)"
