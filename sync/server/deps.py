"""FastAPI dependencies, as the full-stack FastAPI template has them: the engine, a read session, the user.

- ``EngineDep``: the app's engine (writes open their own transaction with ``db.write_session``, so a push can redo
  its batch and every commit happens before the answer leaves);
- ``SessionDep``: a read session for the request (a deferred transaction on SQLite: it never blocks writers);
- ``CurrentUser``: the user whose token is in ``Authorization: Bearer``, as the gate (``sync/server/gate.py``) found
  it before the body was read (401 otherwise); ``AdminUser``: an admin (403 otherwise); ``WriterUser``: a cadre or
  an admin (a viewer reads only); ``OfficeUser``: an admin or a viewer. Every endpoint but health depends on one of
  them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sync.server.db import read_session
from sync.server.errors import ApiError
from sync.server.users import UserInfo

__all__ = [
    "AdminUser",
    "CurrentUser",
    "OfficeUser",
    "WriterUser",
    "EngineDep",
    "SessionDep",
    "get_current_admin",
    "get_current_reader_of_all",
    "get_current_user",
    "get_current_writer",
    "get_engine",
    "get_session",
]

_bearer = HTTPBearer(auto_error=False, description="the token printed by `fieldapp-server user add`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def get_engine(request: Request) -> Engine:
    """The app's database engine (made once by ``create_app``)."""
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    """A read session, closed when the request is done."""
    with read_session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_user(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> UserInfo:
    """The user the gate authenticated for this request; 401 when there is none.

    The gate checked the token (every time: revocation takes effect at once) before the body was read; the
    ``_credentials`` parameter only puts the bearer scheme in the OpenAPI document.
    """
    user = request.scope.get("state", {}).get("user")
    if not isinstance(user, UserInfo):  # a route outside the gate's paths: never authenticated
        raise ApiError(401, "unauthorized", "missing bearer token", headers=_CHALLENGE)
    return user


CurrentUser = Annotated[UserInfo, Depends(get_current_user)]


def get_current_admin(user: CurrentUser) -> UserInfo:
    """The current user, who must be an admin (403 otherwise)."""
    if not user.is_admin:
        raise ApiError(403, "forbidden", "only an admin may do this")
    return user


AdminUser = Annotated[UserInfo, Depends(get_current_admin)]


def get_current_writer(user: CurrentUser) -> UserInfo:
    """The current user, who may change records: a cadre or an admin (a viewer gets 403)."""
    if user.is_viewer:
        raise ApiError(403, "read_only", "a viewer account reads only; it cannot change records")
    return user


WriterUser = Annotated[UserInfo, Depends(get_current_writer)]


def get_current_reader_of_all(user: CurrentUser) -> UserInfo:
    """The current user, who must see the whole federation: an admin or a viewer (403 otherwise)."""
    if not user.sees_everything:
        raise ApiError(403, "forbidden", "only an admin or a viewer may see this")
    return user


OfficeUser = Annotated[UserInfo, Depends(get_current_reader_of_all)]
