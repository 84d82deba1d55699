"""Persistence: the SQLite schema, its migrations and every query."""
