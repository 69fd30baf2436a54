"""Enrollment package: see ARCHITECTURE.md; built in a later issue."""
