"""Dashboard sign-in without a browser: `user passwd`, who may sign in, the rate limit, Secure cookies, revocation.

The app runs in-process (FastAPI's TestClient) on a real migrated SQLite database; the browser tests
(test_dashboard_browser.py) drive the same pages in Chromium against a server process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sync.server.app import create_app
from sync.server.cli import main
from sync.server.db import make_engine
from sync.server.models import User, WebSession
from sync.server.users import add_user, revoke_user, set_password, user_for_password
from sync.server.web.pages import LOGIN_FAILURES

PASSWORD = "một mật khẩu dài"


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_url), follow_redirects=False) as c:
        yield c


def login(client: TestClient, name: str, password: str = PASSWORD) -> object:
    page = client.get("/dashboard/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return client.post("/dashboard/login", data={"csrf": match.group(1), "name": name, "password": password})


def test_passwd_asks_twice_and_the_password_then_signs_in(sqlite_url: str) -> None:
    add_user(sqlite_url, "lanhdao", role="viewer")
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["--lang", "en", "user", "passwd", "lanhdao", "--database-url", sqlite_url],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "is set" in result.output
    engine = make_engine(sqlite_url)
    info = user_for_password(engine, "lanhdao", PASSWORD)
    assert info is not None and info.role == "viewer"
    assert user_for_password(engine, "lanhdao", PASSWORD + "x") is None
    with engine.connect() as conn:
        stored = conn.scalar(select(User.password_hash).where(User.name == "lanhdao"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    engine.dispose()


def test_passwd_from_stdin_and_its_refusals_change_nothing(sqlite_url: str) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    add_user(sqlite_url, "Nguyễn Văn Bình")
    runner = CliRunner()

    def passwd(name: str, text: str) -> object:
        return runner.invoke(
            main,
            ["--lang", "en", "user", "passwd", name, "--password-stdin", "--database-url", sqlite_url],
            input=text + "\n",
        )

    assert passwd("quantri", PASSWORD).exit_code == 0  # type: ignore[attr-defined]
    short = passwd("quantri", "ngắn")
    assert short.exit_code == 1 and "at least 10 characters" in short.output  # type: ignore[attr-defined]
    cadre = passwd("Nguyễn Văn Bình", PASSWORD)
    assert cadre.exit_code == 1 and "only admins and viewers" in cadre.output  # type: ignore[attr-defined]
    unknown = passwd("ai đó", PASSWORD)
    assert unknown.exit_code == 1 and "no user named" in unknown.output  # type: ignore[attr-defined]
    engine = make_engine(sqlite_url)
    assert user_for_password(engine, "quantri", PASSWORD) is not None  # the short one changed nothing
    assert user_for_password(engine, "Nguyễn Văn Bình", PASSWORD) is None
    engine.dispose()


def test_a_cadre_with_a_password_planted_in_the_database_is_still_refused(
    sqlite_url: str, client: TestClient
) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    add_user(sqlite_url, "Nguyễn Văn Bình")
    set_password(sqlite_url, "quantri", PASSWORD)
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:  # copy the admin's hash onto the cadre, as a hand-edited database might
        stored = conn.scalar(select(User.password_hash).where(User.name == "quantri"))
        conn.execute(update(User).where(User.name == "Nguyễn Văn Bình").values(password_hash=stored))
    engine.dispose()
    response = login(client, "Nguyễn Văn Bình")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "fa_session" not in client.cookies


def test_failed_sign_ins_are_limited_per_address_and_the_right_password_waits_too(
    sqlite_url: str, client: TestClient
) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    set_password(sqlite_url, "quantri", PASSWORD)
    for _ in range(LOGIN_FAILURES):
        assert login(client, "quantri", "sai mật khẩu rồi").status_code == 401  # type: ignore[attr-defined]
    limited = login(client, "quantri")
    assert limited.status_code == 429  # type: ignore[attr-defined]
    assert int(limited.headers["Retry-After"]) > 0  # type: ignore[attr-defined]
    assert "Đăng nhập sai quá nhiều lần" in limited.text  # type: ignore[attr-defined]
    assert "fa_session" not in client.cookies


def test_under_https_the_session_cookie_is_secure_httponly_and_samesite(sqlite_url: str) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    set_password(sqlite_url, "quantri", PASSWORD)
    with TestClient(create_app(sqlite_url), base_url="https://testserver", follow_redirects=False) as https:
        response = login(https, "quantri")
        assert response.status_code == 303  # type: ignore[attr-defined]
        cookie = next(
            h
            for h in response.headers.get_list("set-cookie")
            if h.startswith("fa_session=")  # type: ignore[attr-defined]
        )
        assert (
            "HttpOnly" in cookie
            and "SameSite=lax" in cookie
            and "Secure" in cookie
            and "Path=/dashboard" in cookie
        )


def test_revoking_a_user_ends_their_sessions_at_once(sqlite_url: str, client: TestClient) -> None:
    add_user(sqlite_url, "lanhdao", role="viewer")
    set_password(sqlite_url, "lanhdao", PASSWORD)
    assert login(client, "lanhdao").status_code == 303  # type: ignore[attr-defined]
    assert client.get("/dashboard/").status_code == 200
    revoke_user(sqlite_url, "lanhdao")
    assert client.get("/dashboard/").headers["location"] == "/dashboard/login"
    assert login(client, "lanhdao").status_code == 401  # type: ignore[attr-defined]


def test_the_session_is_kept_as_a_hash_with_its_own_csrf_token(sqlite_url: str, client: TestClient) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    set_password(sqlite_url, "quantri", PASSWORD)
    login(client, "quantri")
    value = client.cookies["fa_session"]
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.execute(select(WebSession.id, WebSession.csrf)).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0].id != value and len(rows[0].id) == 64
    assert rows[0].csrf in client.get("/dashboard/").text


def test_the_dashboard_is_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/dashboard")]


def test_the_language_switch_goes_back_only_inside_the_dashboard(client: TestClient) -> None:
    inside = client.get("/dashboard/lang/en", params={"next": "/dashboard/enterprises?q=may"})
    assert inside.status_code == 303 and inside.headers["location"] == "/dashboard/enterprises?q=may"
    assert "fa_lang=en" in inside.headers["set-cookie"]
    assert "<h1>Sign in</h1>" in client.get("/dashboard/login").text  # the cookie holds: English pages
    for elsewhere in (
        "https://evil.example/",
        "//evil.example/dashboard/",
        "/dashboard/..\\evil",
        "/api/v1/me",
    ):
        response = client.get("/dashboard/lang/vi", params={"next": elsewhere})
        assert response.headers["location"] == "/dashboard/", elsewhere
    assert "<h1>Đăng nhập</h1>" in client.get("/dashboard/login").text  # Vietnamese again


def test_an_unknown_enterprise_is_a_404_page(sqlite_url: str, client: TestClient) -> None:
    add_user(sqlite_url, "quantri", role="admin")
    set_password(sqlite_url, "quantri", PASSWORD)
    login(client, "quantri")
    response = client.get("/dashboard/enterprises/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404 and "Không tìm thấy" in response.text
