"""The OpenID Provider, built on Authlib's documented extension points."""
