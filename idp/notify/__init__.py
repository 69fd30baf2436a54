"""Delivering messages to people: e-mail (SMTP) and SMS (an HTTP gateway).

The embedded default for both is an outbox table that the demo shows at
/dev/outbox; outboxes are refused when IDP_ENV=production.
"""
