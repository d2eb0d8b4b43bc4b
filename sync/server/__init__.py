"""The central server ``fieldapp-server``: FastAPI app, SQLAlchemy tables, Alembic migrations, auth, CLI.

Layout: ``config`` (database URL), ``db`` (engine, migrations), ``models`` (tables), ``users`` (accounts and
tokens), ``auth`` (bearer check), ``push``/``pull``/``listing``/``conflicts`` (the API's work), ``app`` (FastAPI
wiring, error handlers, body limits), ``export`` and ``cli``. Never imports the laptop store, the TUI or TinyDB.
"""
