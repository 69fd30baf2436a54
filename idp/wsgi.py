"""WSGI entry point: `gunicorn idp.wsgi:app` (with
`--logger-class idp.accesslog.GunicornLogger`, as `idp serve` sets it, so that
access logs hold no secrets)."""
from idp import accesslog
from idp.app import create_app

app = create_app()
accesslog.init_app(app)
