"""The personal cabinet: a citizen's own account, sessions, consents, activity."""
