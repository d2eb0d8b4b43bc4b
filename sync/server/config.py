"""The server's settings from its environment (``serve`` sets them for its worker processes).

- the database: ``--database-url``, else ``$FIELDAPP_SERVER_DATABASE_URL``, else SQLite;
- the API documentation (/docs, /redoc, /openapi.json): served unless ``serve --no-docs`` or
  ``FIELDAPP_SERVER_DOCS=0`` (for a production server nobody browses);
- the federation's name on the monthly report's title block: ``$FIELDAPP_SERVER_FEDERATION_NAME`` (else
  "Liên đoàn Lao động", the generic name).
"""

from __future__ import annotations

import os

import platformdirs

__all__ = [
    "ENV_DATABASE_URL",
    "ENV_DOCS",
    "ENV_FEDERATION_NAME",
    "backend_name",
    "default_database_url",
    "display_url",
    "docs_enabled",
    "federation_name",
    "resolve_database_url",
]

ENV_DATABASE_URL = "FIELDAPP_SERVER_DATABASE_URL"
ENV_DOCS = "FIELDAPP_SERVER_DOCS"
ENV_FEDERATION_NAME = "FIELDAPP_SERVER_FEDERATION_NAME"
#: the name when none is set: what every federation is (Liên đoàn Lao động, the trade-union federation)
DEFAULT_FEDERATION_NAME = "Liên đoàn Lao động"
_OFF = {"0", "false", "no", "off"}


def federation_name() -> str:
    """The federation's name for the report's title block ($FIELDAPP_SERVER_FEDERATION_NAME, NFC, one line)."""
    import unicodedata

    name = " ".join(unicodedata.normalize("NFC", os.environ.get(ENV_FEDERATION_NAME, "")).split())
    return name[:200] or DEFAULT_FEDERATION_NAME


def docs_enabled() -> bool:
    """Whether to serve /docs, /redoc and /openapi.json (yes unless FIELDAPP_SERVER_DOCS is 0/false/no/off)."""
    return os.environ.get(ENV_DOCS, "1").strip().lower() not in _OFF


def default_database_url() -> str:
    """SQLite in the platform's user data folder for "fieldapp-server" (the folder is made, 0700, when needed)."""
    folder = platformdirs.user_data_path("fieldapp-server", appauthor=False)
    return f"sqlite:///{folder / 'fieldapp-server.sqlite3'}"


def resolve_database_url(explicit: str | None = None) -> str:
    """The database URL to use; plain ``postgresql://`` URLs are pointed at psycopg 3."""
    url = explicit or os.environ.get(ENV_DATABASE_URL) or default_database_url()
    # the psycopg 3 driver is the one installed; SQLAlchemy's default for postgresql:// would be psycopg2
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def backend_name(url: str) -> str:
    """ "sqlite" or "postgresql" (the dialect, without the driver)."""
    from sqlalchemy.engine import make_url  # here: `fieldapp-server --help` imports no SQLAlchemy

    return make_url(url).get_backend_name()


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
