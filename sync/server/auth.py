"""Bearer-token authentication: every endpoint but health depends on ``current_user`` (or ``admin_user``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from sync.server.errors import ApiError
from sync.server.users import UserInfo, user_for_token

__all__ = ["AdminUser", "CurrentUser", "admin_user", "current_user", "get_engine"]

_bearer = HTTPBearer(auto_error=False, description="the token printed by `fieldapp-server user add`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> UserInfo:
    """The user whose token is in ``Authorization: Bearer``; 401 when missing, unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(
            401,
            "unauthorized",
            "missing bearer token: send `Authorization: Bearer <token>`",
            headers=_CHALLENGE,
        )
    # revocation must take effect at once in every process, so the token is looked up on every request
    user = user_for_token(get_engine(request), credentials.credentials)
    if user is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token", headers=_CHALLENGE)
    return user


CurrentUser = Annotated[UserInfo, Depends(current_user)]


def admin_user(user: CurrentUser) -> UserInfo:
    """The current user, who must be an admin (403 otherwise)."""
    if not user.is_admin:
        raise ApiError(403, "forbidden", "only an admin may do this")
    return user


AdminUser = Annotated[UserInfo, Depends(admin_user)]
