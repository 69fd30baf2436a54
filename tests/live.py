"""Run the identity provider as a real server for end-to-end tests.

The browser, interoperability and benchmark code talk to the product over
TCP exactly as a relying party or a citizen's browser would, so they need a
real server: a subprocess on a free loopback port with its own SQLite file in
a temporary directory. Everything here is plain stdlib plus ``requests``.

    live = LiveIdp.prepare(tmp_dir)            # `idp db upgrade`
    client = live.cli_json("clients", "create", "--name", "RP", "--redirect-uri", uri)
    with live.serve():                          # `idp serve` (gunicorn), 1 worker
        requests.get(live.issuer + "/.well-known/openid-configuration")

    with LiveIdp.prepare(tmp_dir).demo() as demo:   # `idp demo`: IdP + demo portal
        demo.portal_url, demo.issuer

Every server binds to 127.0.0.1 only and is stopped (its whole process group)
when the ``with`` block ends.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import requests

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 30.0
# Tests post logins and token requests far faster than a person would.
GENEROUS_LIMIT = "100000/minute"
# argon2id settings that keep each test login under a millisecond; the
# benchmark passes ``fast_hashing=False`` to measure the real parameters.
FAST_ARGON2 = {"IDP_ARGON2_MEMORY_KIB": "1024", "IDP_ARGON2_TIME_COST": "1"}


def free_port() -> int:
    """A TCP port on the loopback interface that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def idp_command() -> list[str]:
    """The `idp` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "idp"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from idp.cli import main; main()"]


def base_environment(workdir: Path, *, database_url: str | None, fast_hashing: bool) -> dict[str, str]:
    """The server's environment: ours without any inherited ``IDP_*``
    setting, plus a database in ``workdir`` and a fixed secret so that the
    CLI and the server read the same encrypted keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
    # The server runs this checkout's code, as the test process does, however
    # (or whether) the package is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update({
        "IDP_ENV": "development",
        "IDP_DATABASE_URL": database_url or f"sqlite:///{workdir / 'idp.sqlite'}",
        "IDP_SECRET_KEY": secrets.token_urlsafe(32),
        "IDP_RATELIMIT_LOGIN": GENEROUS_LIMIT,
        "IDP_RATELIMIT_TOKEN": GENEROUS_LIMIT,
        "IDP_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    if fast_hashing:
        env.update(FAST_ARGON2)
    return env


class ServerFailed(RuntimeError):
    """A server exited or did not answer in time; the message has its log."""


@dataclass
class ServerProcess:
    """One server subprocess in its own process group, with a log file."""

    name: str
    process: subprocess.Popen
    log_path: Path

    @classmethod
    def start(cls, name: str, command: list[str], *, env: dict[str, str], cwd: Path,
              cpus: set[int] | None = None) -> "ServerProcess":
        """Start ``command``; ``cpus`` confines it (and the workers it forks)
        to those CPU cores."""
        log_path = cwd / f"{name}.log"
        log = open(log_path, "ab")
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        try:
            process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=pin)
        finally:
            log.close()
        return cls(name, process, log_path)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_until_ready(self, url: str, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise ServerFailed(f"{self.name} did not answer {url} within {timeout:.0f} s:\n{self.log_tail()}")

    def wait_for_line(self, pattern: re.Pattern, timeout: float = STARTUP_TIMEOUT) -> str:
        """The first group of ``pattern`` once the server has logged it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.search(self.log_path.read_text(errors="replace"))
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(0.1)
        raise ServerFailed(f"{self.name} did not print {pattern.pattern!r}:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the process group (gunicorn's master and workers), then
        SIGKILL whatever is still there after ``grace`` seconds."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Workers may outlive a master that died first; the group id is ours.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=5)


@dataclass
class Demo:
    """A running `idp demo`: the IdP and the demo portal."""

    issuer: str
    portal_url: str
    server: ServerProcess


@dataclass
class LiveIdp:
    """A prepared database in ``workdir`` and the commands that use it."""

    workdir: Path
    port: int
    env: dict[str, str] = field(repr=False)

    @property
    def issuer(self) -> str:
        return f"http://{HOST}:{self.port}"

    @classmethod
    def prepare(cls, workdir: Path, *, database_url: str | None = None, fast_hashing: bool = True,
                extra_env: dict[str, str] | None = None) -> "LiveIdp":
        """Pick a port and bring the database schema up to date."""
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = base_environment(workdir, database_url=database_url, fast_hashing=fast_hashing)
        env["IDP_ISSUER"] = f"http://{HOST}:{port}"
        env.update(extra_env or {})
        live = cls(workdir, port, env)
        live.cli("db", "upgrade")
        return live

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 60) -> str:
        """Run ``idp ARGS`` against this database; its standard output."""
        done = subprocess.run([*idp_command(), *args], env=self.env, cwd=self.workdir, input=stdin,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"idp {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return done.stdout

    def cli_json(self, *args: str, stdin: str | None = None) -> dict:
        return json.loads(self.cli(*args, "--json", stdin=stdin))

    @contextlib.contextmanager
    def serve(self, *, workers: int = 1, threads: int = 4, cpus: set[int] | None = None) -> Iterator[ServerProcess]:
        """`idp serve` (gunicorn) on the loopback port, until the block ends."""
        command = [*idp_command(), "serve", "--bind", f"{HOST}:{self.port}",
                   "--workers", str(workers), "--threads", str(threads)]
        server = ServerProcess.start("idp-serve", command, env=self.env, cwd=self.workdir, cpus=cpus)
        try:
            server.wait_until_ready(self.issuer + "/.well-known/openid-configuration")
            yield server
        finally:
            server.stop()

    @contextlib.contextmanager
    def demo(self) -> Iterator[Demo]:
        """`idp demo`: seeds the demo people and portal client, serves both.
        Their public URLs are the ones the command prints."""
        portal_port = free_port()
        env = {k: v for k, v in self.env.items() if k != "IDP_ISSUER"}  # `idp demo` derives it
        command = [*idp_command(), "demo", "--host", HOST, "--port", str(self.port),
                   "--portal-port", str(portal_port)]
        server = ServerProcess.start("idp-demo", command, env=env, cwd=self.workdir)
        try:
            issuer = server.wait_for_line(_DEMO_ISSUER)
            demo = Demo(issuer, server.wait_for_line(_DEMO_PORTAL), server)
            server.wait_until_ready(demo.issuer + "/.well-known/openid-configuration")
            server.wait_until_ready(demo.portal_url + "/")
            yield demo
        finally:
            server.stop()


_DEMO_ISSUER = re.compile(r"identity provider:\s+(\S+)")
_DEMO_PORTAL = re.compile(r"demo portal:\s+(\S+)")
_CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]*)"')


def csrf_token_in(html: str) -> str:
    """The CSRF token of the first form on a page."""
    tag = _CSRF_INPUT.search(html)
    value = _VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise AssertionError("no csrf_token field on the page")
    return value.group(1)


class Citizen:
    """A person with a browser that runs no JavaScript (``requests``):
    follows the IdP's redirects, logs in with a password, allows consent,
    and stops at the relying party's redirect URI."""

    def __init__(self, identifier: str, password: str, *, http: requests.Session | None = None):
        self.identifier, self.password = identifier, password
        self.http = http or requests.Session()

    def login_page(self, url: str) -> requests.Response:
        """Fill in and post the login form at ``url``."""
        page = self.http.get(url, timeout=30)
        page.raise_for_status()
        return self.http.post(url, data={"identifier": self.identifier, "password": self.password,
                                         "csrf_token": csrf_token_in(page.text)},
                              allow_redirects=False, timeout=30)

    def allow_consent(self, url: str) -> requests.Response:
        page = self.http.get(url, timeout=30)
        page.raise_for_status()
        return self.http.post(url, data={"csrf_token": csrf_token_in(page.text), "remember": "1",
                                         "decision": "allow"}, allow_redirects=False, timeout=30)

    def authorize(self, authorization_url: str, *, redirect_uri: str, max_hops: int = 10) -> str:
        """Walk from the authorization URL to the callback; the callback URL."""
        response = self.http.get(authorization_url, allow_redirects=False, timeout=30)
        for _ in range(max_hops):
            if response.status_code not in (302, 303):
                raise AssertionError(f"HTTP {response.status_code} from {urlsplit(response.url).path}, expected a "
                                     f"redirect: {response.text[:300]}")
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(redirect_uri):
                return location
            path = location.split("/", 3)[-1]
            if path.startswith("login"):
                response = self.login_page(location)
            elif path.startswith("authorize/consent"):
                response = self.allow_consent(location)
            else:
                response = self.http.get(location, allow_redirects=False, timeout=30)
        raise AssertionError("too many redirects before the callback")
