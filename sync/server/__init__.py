"""The central server ``fieldapp-server``: FastAPI app, SQLAlchemy tables, Alembic migrations, auth, CLI.

Layout: ``app`` (routes and wiring), ``deps`` (FastAPI dependencies: engine, read session, current user),
``errors`` (error answers, field problems on the wire), ``bodylimit`` (bounded, gunzipped bodies), ``push`` (the
decision table), ``recordstore`` (bulk reads and writes of one batch), ``queries`` (pull and listings), ``admin``
(deletion, conflicts), ``schemas`` (the server-only answers), ``users`` (accounts, tokens), ``db`` (engines,
transactions, migrations), ``models`` and ``migrations/`` (tables), ``config`` (the database URL), ``export`` and
``cli``. Never imports the laptop store, the TUI, TinyDB or the sync client.
"""
