"""Alembic migrations of the server database (run with ``fieldapp-server db upgrade``)."""
