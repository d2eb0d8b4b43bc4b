"""The FastAPI application: routes under /api/v1, bearer auth, bounded (gzip) bodies, JSON errors; the web
dashboard under /dashboard (sync/server/web: its own sign-in with a password and a session cookie, never a token).

A request passes, outermost first: ``CrashGuard`` (an unexpected error is a 500, logged without its message), the
``AuthGate`` (the token, before any body is read; failures limited per address), the ``BodyLimitMiddleware``
(bounded, inflated, depth-checked), then FastAPI.

``create_app(database_url)`` builds it; ``create_app_from_env()`` is the uvicorn factory used by ``serve`` (the
URL comes from FIELDAPP_SERVER_DATABASE_URL, so every worker process builds its own engine: no shared state).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import SQLAlchemyError

import fieldapp
from fieldapp.core import admin_units
from fieldapp.core.kinds import KINDS
from sync.protocol import (
    API_PREFIX,
    MAX_BODY_BYTES,
    MAX_CURSOR,
    MAX_PULL_PAGE,
    PROTOCOL_3_KINDS,
    ErrorBody,
    Health,
    Kind,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import admin, areas, queries
from sync.server import rules as federation
from sync.server.bodylimit import BodyLimitMiddleware
from sync.server.config import backend_name, docs_enabled, resolve_database_url
from sync.server.db import check_migrated, make_engine
from sync.server.deps import AdminUser, CurrentUser, EngineDep, OfficeUser, SessionDep, WriterUser
from sync.server.errors import ApiError, CrashGuard, install_error_handlers
from sync.server.gate import AuthGate
from sync.server.identity import epoch
from sync.server.push import push as apply_push
from sync.server.schemas import (
    AreaOut,
    AssigneeRequest,
    ConflictOut,
    ConflictPage,
    DeleteResult,
    Me,
    RecordPage,
    ResolveRequest,
    VersionPage,
    WardsRequest,
)
from sync.server.web import install as install_dashboard

__all__ = ["create_app", "create_app_from_env"]

log = logging.getLogger("sync.server")

_ERRORS = {
    status: {"model": ErrorBody, "description": text_}
    for status, text_ in {
        400: "unreadable body (e.g. bad gzip)",
        401: "no, unknown or revoked token",
        403: "not allowed",
        413: "body or batch too large",
        415: "unsupported Content-Encoding",
        422: "invalid request (the fields are named; `too_deep`: JSON nested more than 64 levels)",
        429: "`too_many_failures`: too many failed logins from this address; wait Retry-After seconds",
        500: "server error",
        503: "database busy or unreachable, or the server is unpacking other gzip bodies; retry after Retry-After",
    }.items()
}
_UUID = r"^[0-9a-fA-F-]{36}$"
Limit = Annotated[int, Query(ge=1, le=MAX_PULL_PAGE, description="most items in the page")]
Offset = Annotated[int, Query(ge=0, le=2**62, description="items to skip")]

router = APIRouter(prefix=API_PREFIX, responses=_ERRORS)  # type: ignore[arg-type]


@router.get("/health", tags=["health"])
def health(engine: EngineDep) -> Health:
    """Is the server up and its database reachable (no token needed); the database's epoch."""
    try:
        with engine.connect() as conn:
            current = epoch(conn)  # reading the identity row is the "SELECT 1"
    except SQLAlchemyError as exc:
        raise ApiError(503, "database_unavailable", "the database does not answer") from exc
    return Health(version=fieldapp.__version__, database=engine.dialect.name, epoch=current)


@router.post("/push", tags=["sync"])
def push(user: WriterUser, engine: EngineDep, body: PushRequest) -> PushResponse:
    """Push a batch of records; one result per item, in order (``Content-Encoding: gzip`` accepted)."""
    return apply_push(engine, user, body)


@router.get(
    "/changes",
    tags=["sync"],
    responses={409: {"model": ErrorBody, "description": "`cursor_ahead`: since is beyond the newest change"}},
    # ``held`` only when asked for (a laptop of protocol 4 refuses a key it does not know)
    response_model_exclude_unset=True,
)
def changes(
    user: CurrentUser,
    session: SessionDep,
    since: Annotated[
        int, Query(ge=0, le=MAX_CURSOR, description="the cursor from the previous page (0 at first)")
    ] = 0,
    limit: Limit = MAX_PULL_PAGE,
    kinds: Annotated[
        str | None,
        Query(
            max_length=200,
            description="the record kinds to pull, comma-separated (without it: enterprise,visit, protocol 3)",
        ),
    ] = None,
    held: Annotated[
        bool,
        Query(
            description="on the last page, list the records of the view not served yet (behind a write in flight)"
        ),
    ] = False,
) -> PullResponse:
    """The changes after the cursor ``since``, in order, deletions included; the database's epoch and head.

    409 ``cursor_ahead`` when ``since`` is beyond the head (a cursor from another database, or from before a
    restore): pull again from 0. With ``held=true`` the last page lists in ``held`` the records of the user's
    view it could not serve yet (docs/sync.md, "Areas").
    """
    return queries.changes(session, user, since, limit, _kinds(kinds), held=held)


def _kinds(text: str | None) -> tuple[Kind, ...]:
    if text is None:
        return PROTOCOL_3_KINDS
    named = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in named if name not in KINDS]
    if unknown or not named:
        raise ApiError(
            422,
            "invalid_request",
            f"invalid request: kinds must name some of {', '.join(KINDS)}, not {text!r}",
        )
    return tuple(k for k in KINDS if k in named)


@router.get("/enterprises", tags=["records"])
def enterprises(user: CurrentUser, session: SessionDep, offset: Offset = 0, limit: Limit = 100) -> RecordPage:
    """The enterprise registry, paged by id."""
    return queries.list_records(session, user, "enterprise", offset, limit)


@router.get("/visits", tags=["records"])
def visits(user: CurrentUser, session: SessionDep, offset: Offset = 0, limit: Limit = 100) -> RecordPage:
    """Visits, paged by id: all for admins, a cadre's own for a cadre."""
    return queries.list_records(session, user, "visit", offset, limit)


@router.get("/founding-cases", tags=["records"])
def founding_cases(
    user: CurrentUser, session: SessionDep, offset: Offset = 0, limit: Limit = 100
) -> RecordPage:
    """Founding cases, paged by id: all for admins and viewers, those of their area's enterprises for a cadre."""
    return queries.list_records(session, user, "founding_case", offset, limit)


@router.get(
    "/records/{kind}/{record_id}/versions",
    tags=["records"],
    responses={404: {"model": ErrorBody, "description": "no such record in the user's view"}},
)
def record_versions(
    user: CurrentUser, session: SessionDep, kind: Kind, record_id: Annotated[str, Path(pattern=_UUID)]
) -> VersionPage:
    """Every version the server keeps of one record, oldest first: who sent it, from which laptop, when."""
    return queries.record_versions(session, user, kind, record_id.lower())


@router.delete(
    "/enterprises/{enterprise_id}",
    tags=["records"],
    responses={404: {"model": ErrorBody, "description": "no such enterprise"}},
)
def delete_enterprise(
    user: AdminUser, engine: EngineDep, enterprise_id: Annotated[str, Path(pattern=_UUID)]
) -> DeleteResult:
    """Delete an enterprise with its visits and founding cases (admins only); laptops get the deletions on their
    next pull."""
    return admin.delete_enterprise(engine, user, enterprise_id.lower())


@router.get("/conflicts", tags=["conflicts"])
def conflicts(user: CurrentUser, session: SessionDep, resolved: bool = False) -> ConflictPage:
    """Hard conflicts waiting for a person (all for admins and viewers, a cadre's own for a cadre)."""
    return admin.list_conflicts(session, user, include_resolved=resolved)


@router.post(
    "/conflicts/{conflict_id}/resolve",
    tags=["conflicts"],
    responses={
        404: {"model": ErrorBody, "description": "no such conflict"},
        409: {"model": ErrorBody, "description": "already resolved or record deleted"},
    },
)
def resolve(
    user: WriterUser,
    engine: EngineDep,
    body: ResolveRequest,
    conflict_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> ConflictOut:
    """Settle a conflict: keep the server's version, or store the laptop's or an edited record."""
    return admin.resolve_conflict(engine, user, conflict_id, body)


@router.get("/me", tags=["areas"])
def me(user: CurrentUser, session: SessionDep) -> Me:
    """Who this token is: the user name visits carry, the full name, the role and (for a cadre) the area."""
    area = None if user.sees_everything else _area_out(areas.area_of(session, user.name))
    return Me(name=user.name, full_name=user.full_name, role=user.role, area=area)  # type: ignore[arg-type]


def _area_out(area: areas.Area) -> AreaOut:
    return AreaOut.model_validate(area.to_dict())


def _area_call(call: Callable[[], areas.Area]) -> AreaOut:
    try:
        return _area_out(call())
    except areas.AreaNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except areas.AreaError as exc:
        raise ApiError(422, "invalid_area", str(exc)) from None


_AREA_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no such user (or enterprise)"},
    422: {"model": ErrorBody, "description": "a ward that is not valid or not in the area (nothing changed)"},
}
UserName = Annotated[str, Path(min_length=1, max_length=100, description="the server user name")]


@router.get("/rules", tags=["rules"])
def rules(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """The federation's rules: the file's text (empty: the package's defaults) and the thresholds in effect.

    Every laptop classifies with them after a sync, so laptops and the server give one verdict."""
    return federation.federation_rules(session).to_dict()


@router.get("/areas", tags=["areas"])
def area_list(user: OfficeUser, engine: EngineDep) -> list[AreaOut]:
    """Every user's area (admins and viewers)."""
    return [_area_out(a) for a in areas.list_areas(engine)]


@router.post("/areas/{user_name}/assign", tags=["areas"], responses=_AREA_ERRORS)
def area_assign(user: AdminUser, engine: EngineDep, user_name: UserName, body: WardsRequest) -> AreaOut:
    """Add wards to a user's area (admins only)."""
    return _area_call(lambda: areas.assign_wards(engine, user_name, body.wards, by=user.name))


@router.post("/areas/{user_name}/unassign", tags=["areas"], responses=_AREA_ERRORS)
def area_unassign(user: AdminUser, engine: EngineDep, user_name: UserName, body: WardsRequest) -> AreaOut:
    """Remove wards from a user's area, all or nothing (admins only)."""
    return _area_call(lambda: areas.unassign_wards(engine, user_name, body.wards))


@router.put("/enterprises/{ref}/assignee", tags=["areas"], responses=_AREA_ERRORS)
def enterprise_assign(
    user: AdminUser,
    engine: EngineDep,
    ref: Annotated[str, Path(min_length=1, max_length=40, description="the enterprise's id or tax code")],
    body: AssigneeRequest,
) -> AreaOut:
    """Assign one enterprise to a user directly, whatever its ward (admins only); answers that user's area."""
    return _area_call(lambda: areas.assign_enterprise(engine, ref, body.user, by=user.name))


def create_app(
    database_url: str | None = None,
    *,
    check: bool = True,
    freeze_gc: bool = False,
    docs: bool | None = None,
) -> FastAPI:
    """The application for *database_url* (resolved like the CLI); refuses an un-migrated database.

    *freeze_gc*: on start, move everything loaded so far out of the garbage collector's sight (for a server
    process, which owns its interpreter; not for a test process that builds many apps).
    *docs*: serve /docs, /redoc and /openapi.json (None: as FIELDAPP_SERVER_DOCS says, yes by default).
    """
    url = resolve_database_url(database_url)
    if docs is None:
        docs = docs_enabled()
    engine = make_engine(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if check:
            await run_in_threadpool(check_migrated, engine)
        if freeze_gc:
            # a server process: load the 2025 map (the first enterprise with a ward code needs it) before the first
            # request rather than in it: its import and index cost the sync benchmark's first push 0.4-0.6 s (at
            # load 12, 2026-12-02), more than the whole rest of that 1,000-record batch
            await run_in_threadpool(admin_units.load)
            # The code and data loaded at start live as long as the process: keep them out of the cyclic garbage
            # collector's full passes, which otherwise rescan them again and again while a push of 1,000 records
            # allocates (~15% of the time a push took).
            gc.freeze()
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="fieldapp-server",
        version=fieldapp.__version__,
        lifespan=lifespan,
        description=f"Central server of fieldapp (database: {backend_name(url)}). See docs/sync.md.",
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.engine = engine
    install_error_handlers(app)
    app.include_router(router)
    install_dashboard(app)
    # added innermost first: the last one added runs first
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(AuthGate, engine=engine)
    app.add_middleware(CrashGuard)
    return app


def create_app_from_env() -> FastAPI:
    """Uvicorn factory: the database from FIELDAPP_SERVER_DATABASE_URL (set by ``fieldapp-server serve``)."""
    return create_app(freeze_gc=True)
