"""WSGI entry point: `gunicorn idp.wsgi:app`."""
from idp.app import create_app

app = create_app()
