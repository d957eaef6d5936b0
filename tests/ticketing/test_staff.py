"""Changing a staff account ends the access its old credentials or powers gave."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import staff
from ticketing.models import ApiToken, User, UserRole

SESSION = staff.SESSION_TOKEN_NAME


def _agent_with_tokens(session: Session) -> User:
    user = User(username="lan", display_name="Nguyễn Thị Lan", role=UserRole.AGENT, active=True)
    session.add(user)
    session.flush()
    session.add_all(
        [
            ApiToken(user_id=user.id, name=SESSION, token_hash="a" * 64),
            ApiToken(user_id=user.id, name="crm-sync", token_hash="b" * 64),
        ]
    )
    session.flush()
    return user


def _live(session: Session, user: User) -> set[str]:
    return set(
        session.scalars(
            select(ApiToken.name).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )


def test_a_new_password_ends_sessions_and_keeps_integration_tokens(session: Session) -> None:
    user = _agent_with_tokens(session)
    staff.do_update_user(session, user.id, {"password": "mật khẩu mới 2026"})
    assert _live(session, user) == {"crm-sync"}


def test_a_new_role_with_a_new_password_ends_every_token(session: Session) -> None:
    user = _agent_with_tokens(session)
    staff.do_update_user(session, user.id, {"password": "mật khẩu mới 2026", "role": "supervisor"})
    assert _live(session, user) == set()


def test_a_new_display_name_ends_nothing(session: Session) -> None:
    user = _agent_with_tokens(session)
    staff.do_update_user(session, user.id, {"display_name": "Nguyễn Thị Lan Anh"})
    assert _live(session, user) == {SESSION, "crm-sync"}
