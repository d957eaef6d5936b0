"""Administration services behind the API: staff users, integration tokens, routing rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ticketing import routing
from ticketing.api.auth import SESSION_TOKEN_NAME
from ticketing.api.passwords import hash_password, new_token, token_digest
from ticketing.api.views import category_view, iso, rule_view, user_view
from ticketing.errors import (
    AgencyNotFound,
    CategoryNotFound,
    Conflict,
    InvalidInput,
    RuleNotFound,
    TokenNotFound,
    UnknownCode,
    UserNotFound,
)
from ticketing.models import Agency, ApiToken, Area, Category, RoutingRule, User, utcnow

# Lookups of codes the client sent in a body or query string: an unknown code there is invalid
# input (422, `routing.UnknownCode`); `as_resource=True` is for codes in the URL path (404).


def agency_by_code(session: Session, code: str, *, as_resource: bool = False) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise AgencyNotFound(code) if as_resource else UnknownCode(f"unknown agency code: {code}")
    return agency


def area_by_code(session: Session, code: str) -> Area:
    area = session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise UnknownCode(f"unknown area code: {code}")
    return area


def category_by_code(session: Session, code: str) -> Category:
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise UnknownCode(f"unknown category code: {code}")
    return category


# -- users -------------------------------------------------------------------------------------


def list_users(session: Session, role: str | None = None, agency: str | None = None) -> list[dict[str, Any]]:
    stmt = select(User).options(joinedload(User.agency)).order_by(User.username)
    if role:
        stmt = stmt.where(User.role == role)
    if agency:
        stmt = stmt.where(User.agency_id == agency_by_code(session, agency).id)
    return [user_view(u) for u in session.scalars(stmt)]


def _check_role_agency(role: str, agency: Agency | None) -> None:
    if role == "agency_officer" and agency is None:
        raise InvalidInput("An agency officer must belong to an agency ('agency').")
    if role != "agency_officer" and agency is not None:
        raise InvalidInput("Only agency officers belong to an agency.")


def create_user(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    agency = agency_by_code(session, data["agency"]) if data.get("agency") else None
    _check_role_agency(data["role"], agency)
    if session.scalar(select(User.id).where(User.username == data["username"])) is not None:
        raise Conflict(f"Username {data['username']} is already taken.")
    user = User(
        username=data["username"],
        display_name=data["display_name"],
        email=data.get("email"),
        role=data["role"],
        agency_id=agency.id if agency else None,
        password_hash=hash_password(data["password"]) if data.get("password") else None,
        active=True,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"Username {data['username']} is already taken.") from None
    session.refresh(user, ["agency"])
    return user_view(user)


def update_user(session: Session, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise UserNotFound(user_id)
    role = data.get("role", str(user.role))
    if "agency" in data:
        agency = agency_by_code(session, data["agency"]) if data["agency"] else None
    else:
        agency = user.agency
    _check_role_agency(role, agency)
    user.role = role
    user.agency_id = agency.id if agency else None
    for key in ("display_name", "email", "active"):
        if key in data:
            setattr(user, key, data[key])
    if data.get("password"):
        user.password_hash = hash_password(data["password"])
    if "password" in data or data.get("active") is False or "role" in data or "agency" in data:
        # Credentials or powers changed: end every open session and token of the user.
        now = utcnow()
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            if "password" in data and token.name != SESSION_TOKEN_NAME and data.get("active") is not False:
                continue  # a password change ends sessions, not integration tokens
            token.revoked_at = now
    session.flush()
    session.refresh(user, ["agency"])
    return user_view(user)


# -- integration tokens ------------------------------------------------------------------------


def token_view(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "user": token.user.username,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "expires_at": iso(token.expires_at),
        "revoked_at": iso(token.revoked_at),
    }


def create_token(session: Session, username: str, name: str, expires_in_days: int | None) -> dict[str, Any]:
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
    return {**token_view(token), "token": secret}


def list_tokens(session: Session) -> list[dict[str, Any]]:
    stmt = (
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.name != SESSION_TOKEN_NAME)
        .order_by(ApiToken.id)
    )
    return [token_view(t) for t in session.scalars(stmt)]


def revoke_token(session: Session, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.name == SESSION_TOKEN_NAME:
        raise TokenNotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()


# -- categories ------------------------------------------------------------------------------


def update_category(session: Session, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Rename a category, switch supervisor approval of its answers on or off, or retire it."""
    category = session.scalar(select(Category).where(Category.code == code).with_for_update())
    if category is None:
        raise CategoryNotFound(code)
    for key in ("name", "description", "requires_approval", "active"):
        if key in data:
            setattr(category, key, data[key])
    session.flush()
    return category_view(category)


# -- routing rules -----------------------------------------------------------------------------


def _rules_query() -> Any:
    return select(RoutingRule).options(
        joinedload(RoutingRule.category), joinedload(RoutingRule.area), joinedload(RoutingRule.agency)
    )


def list_rules(
    session: Session, category: str | None, area: str | None, agency: str | None
) -> list[dict[str, Any]]:
    stmt = _rules_query().order_by(RoutingRule.category_id, RoutingRule.area_id.is_not(None), RoutingRule.id)
    if category:
        stmt = stmt.where(RoutingRule.category_id == category_by_code(session, category).id)
    if area:
        stmt = stmt.where(RoutingRule.area_id == area_by_code(session, area).id)
    if agency:
        stmt = stmt.where(RoutingRule.agency_id == agency_by_code(session, agency).id)
    return [rule_view(r) for r in session.scalars(stmt)]


def put_rule(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """Create or change the rule for (category, area) through ticketing.routing (one place for routing)."""
    category_by_code(session, data["category"])  # clear messages for unknown codes
    if data.get("area"):
        area_by_code(session, data["area"])
    agency_by_code(session, data["agency"])
    rule = routing.set_routing_rule(
        session,
        category_code=data["category"],
        area_code=data.get("area"),
        agency_code=data["agency"],
        note=data.get("note"),
    )
    rule.updated_at = utcnow()
    session.flush()
    session.expire(rule)
    return rule_view(session.scalar(_rules_query().where(RoutingRule.id == rule.id)))


def delete_rule(session: Session, rule_id: int) -> None:
    rule = session.scalar(_rules_query().where(RoutingRule.id == rule_id))
    if rule is None:
        raise RuleNotFound(rule_id)
    routing.delete_routing_rule(
        session, category_code=rule.category.code, area_code=rule.area.code if rule.area else None
    )
