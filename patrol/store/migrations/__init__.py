"""Alembic migration environment of the store (run by ``patrol.store.migrate``)."""
