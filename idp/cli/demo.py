import os
import threading
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--portal-port", default=5001, show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare the database and demo data, print them, and exit.")
def demo(host, port, portal_port, no_serve):
    """Create the database, seed demo data, and serve the IdP and the demo portal."""
    from idp.app import create_app
    from idp.demo import ensure_demo_ca, seed
    from idp.esign.democa import DEMO_HOLDERS
    from idp.migrate import upgrade

    # Browsers accept "localhost" (not an IP address) as a passkey RP ID.
    public_host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    issuer = os.environ.get("IDP_ISSUER") or f"http://{public_host}:{port}"
    portal_url = f"http://{public_host}:{portal_port}"
    esign_dir = Path("var/esign").resolve()
    esign = ensure_demo_ca(esign_dir)
    overrides = {"issuer": issuer, "demo_portal_url": portal_url}
    if not os.environ.get("IDP_ESIGN_TRUST_ANCHORS"):
        overrides.update(esign_trust_anchors=str(esign_dir / esign["trust_anchors"][0]),
                         esign_crls=",".join(str(esign_dir / c) for c in esign["crls"]))
    from enrollment import demo as enrollment_demo

    csca_dir = Path(os.environ.get("IDP_CSCA_DIR") or "var/csca").resolve()
    enrollment_info = enrollment_demo.prepare(Path("var/enrollment").resolve(), csca_dir,
                                              environment=os.environ.get("IDP_ENV", "development"))
    overrides.update(csca_dir=str(csca_dir), liveness_engine=os.environ.get("IDP_LIVENESS_ENGINE") or "test")
    app = create_app(overrides)
    idp = app.extensions["idp"]
    upgrade(idp.db)
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
        data = seed(s, idp.passwords, portal_url=portal_url, environment=idp.settings.env,
                    esign_holders=DEMO_HOLDERS)
        enrollment_demo.seed(s, environment=idp.settings.env)
    app = create_app(overrides)  # secret now persisted
    from idp import accesslog

    accesslog.init_app(app)

    click.echo(f"\nOneID demo\n  identity provider: {issuer}\n  demo portal:       {portal_url}\n"
               f"  discovery:         {issuer}/.well-known/openid-configuration\n  database:          {idp.settings.database_url}\n")
    click.echo("Demo logins (PINFL or e-mail / password):")
    for p in data["people"]:
        click.echo(f"  {p['name']:<18} {p['pinfl']}{' / ' + p['email'] if p['email'] else ''}  password: {p['password']}")
    click.echo("People in the register who can create an account at /register (PINFL, passport, birth date):")
    for p in data["registrable"]:
        click.echo(f"  {p['pinfl']}  {p['document_number']}  {p['birth_date']}")
    click.echo(f"E-signature keys at /login/esign (.pfx password: {esign['password']}; holders also log in with "
               "the password above):")
    names = {p["pinfl"]: p["name"] for p in data["esign"]}
    for holder in esign["holders"]:
        note = f", for {holder['organisation']}" if holder["tin"] else ""
        note += f", {holder['status']}" if holder["status"] != "valid" else ""
        click.echo(f"  {names.get(holder['pinfl'], ''):<18} {holder['pinfl']}  {esign_dir / holder['pfx']}{note}")
    click.echo(enrollment_demo.instructions(enrollment_info, issuer))
    from consular.demo import instructions as consular_instructions
    from consular.services import officer_enrollment
    from idp.auth.services import find_account

    with idp.db.transaction() as s:  # what an administrator hands over with the role
        for person in data["consular"]["staff"]:
            account = find_account(s, person["pinfl"])
            person["passkey_code"] = officer_enrollment.issue(idp.state, account.id) if account else ""
    click.echo(consular_instructions(data["consular"], issuer))
    click.echo(f"Demo portal client: {data['client']['client_id']} / {data['client']['client_secret']}\n")
    if no_serve:
        return
    from werkzeug.serving import make_server

    from idp.demo_portal import create_portal

    portal = create_portal(issuer=issuer, client_id=data["client"]["client_id"],
                           client_secret=data["client"]["client_secret"], base_url=portal_url)
    portal_server = make_server(host, portal_port, portal, threaded=True, request_handler=accesslog.DevRequestHandler)
    threading.Thread(target=portal_server.serve_forever, daemon=True).start()
    click.echo("Press Ctrl+C to stop.")
    make_server(host, port, app, threaded=True, request_handler=accesslog.DevRequestHandler).serve_forever()


@click.command()
@click.option("--bind", default="127.0.0.1:5000", show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--threads", default=4, show_default=True)
def serve(bind, workers, threads):
    """Serve the IdP with gunicorn (production settings come from IDP_*).
    Production refuses more than one worker (or IDP_INSTANCES above 1)
    without IDP_REDIS_URL."""
    from gunicorn.app.base import BaseApplication

    from idp import accesslog

    from idp.config import ConfigError, check_workers, load_settings

    try:
        check_workers(load_settings(), workers)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None

    _metrics_directory()

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": bind, "workers": workers, "threads": threads,
                               "accesslog": "-", "forwarded_allow_ips": "127.0.0.1",
                               # no bearer links, ID tokens or PINFLs in the access log
                               "logger_class": "idp.accesslog.GunicornLogger",
                               "access_log_format": accesslog.FORMAT,
                               # no shared ~/.gunicorn control socket between instances on one host
                               "control_socket_disable": True,
                               # SIGTERM: stop accepting, finish what is in flight, then exit
                               "graceful_timeout": 20, "timeout": 60,
                               "child_exit": _metrics_child_exit}.items():
                self.cfg.set(key, value)

        def load(self):
            from idp.wsgi import app

            return app

    Server().run()


def _metrics_directory() -> None:
    """Workers write their metrics to files that /metrics sums
    (prometheus_client's multiprocess mode): a fresh directory per start,
    set before any worker imports prometheus_client."""
    import os
    import tempfile

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="idp-metrics-")


def _metrics_child_exit(_server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
