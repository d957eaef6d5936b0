"""Staff accounts and integration tokens: what admins do (the API, ``python -m ticketing.cli``).

Tokens live in one table (``api_tokens``, only SHA-256 digests stored): integration tokens are created
here and shown once; web sessions are tokens named :data:`SESSION_TOKEN_NAME` (``ticketing.api.auth``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ticketing.directory_admin import check_agency
from ticketing.errors import Conflict, InvalidInput, TokenNotFound, UserNotFound
from ticketing.models import Agency, ApiToken, User, UserRole, utcnow
from ticketing.passwords import hash_password, new_token, token_digest

SESSION_TOKEN_NAME = "web-session"


def list_users(session: Session, role: str | None = None, agency: str | None = None) -> list[User]:
    stmt = select(User).options(joinedload(User.agency)).order_by(User.username)
    if role:
        stmt = stmt.where(User.role == role)
    if agency:
        stmt = stmt.where(User.agency_id == check_agency(session, agency).id)
    return list(session.scalars(stmt))


def check_role_and_agency(role: str, agency: Agency | None) -> None:
    if role == UserRole.AGENCY_OFFICER and agency is None:
        raise InvalidInput("An agency officer must belong to an agency ('agency').")
    if role != UserRole.AGENCY_OFFICER and agency is not None:
        raise InvalidInput("Only agency officers belong to an agency.")


def do_create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    agency: str | None = None,
    email: str | None = None,
) -> User:
    agency_row = check_agency(session, agency) if agency else None
    check_role_and_agency(role, agency_row)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"Username {username} is already taken.")
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        role=role,
        agency_id=agency_row.id if agency_row else None,
        password_hash=hash_password(password) if password else None,
        active=True,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"Username {username} is already taken.") from None
    session.refresh(user, ["agency"])
    return user


def do_update_user(session: Session, user_id: int, changes: dict[str, Any]) -> User:
    """Change a staff user (``display_name``, ``email``, ``role``, ``agency`` code, ``password``,
    ``active``). New credentials or powers end the user's open sessions (and, unless only the password
    changed, their integration tokens)."""
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise UserNotFound(user_id)
    role = changes.get("role", str(user.role))
    if "agency" in changes:
        agency = check_agency(session, changes["agency"]) if changes["agency"] else None
    else:
        agency = user.agency
    check_role_and_agency(role, agency)
    user.role = role
    user.agency_id = agency.id if agency else None
    for key in ("display_name", "email", "active"):
        if key in changes:
            setattr(user, key, changes[key])
    if changes.get("password"):
        user.password_hash = hash_password(changes["password"])
    new_powers = "role" in changes or "agency" in changes or changes.get("active") is False
    if new_powers or "password" in changes:
        now = utcnow()
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            if not new_powers and token.name != SESSION_TOKEN_NAME:
                continue  # a password change alone ends sessions, not integration tokens
            token.revoked_at = now
    session.flush()
    session.refresh(user, ["agency"])
    return user


def do_create_token(
    session: Session, *, username: str, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """An integration token for ``username``; returns the row and the secret (shown once, never stored)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserNotFound(username)
    if name == SESSION_TOKEN_NAME:
        raise InvalidInput(f"Token name '{SESSION_TOKEN_NAME}' is reserved.")
    secret = new_token()
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    session.refresh(token, ["user"])
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    """Integration tokens (web sessions are not listed)."""
    stmt = (
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.name != SESSION_TOKEN_NAME)
        .order_by(ApiToken.id)
    )
    return list(session.scalars(stmt))


def do_revoke_token(session: Session, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.name == SESSION_TOKEN_NAME:
        raise TokenNotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
