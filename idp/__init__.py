"""The identity provider application: people, accounts, login, sessions, cabinet.

`idp.app.create_app` is the composition root; domain services live in
subpackages and never import Flask.
"""
