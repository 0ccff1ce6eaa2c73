"""Local users (argon2-hashed passwords) and API tokens, each mapped to a catalog role."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chatbi.appdb.errors import AppDBError, utcnow
from chatbi.appdb.schema import api_tokens, users
from semantic_layer import User

NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    display_name: str = ""
    attrs: dict = field(default_factory=dict)
    disabled: bool = False

    def as_user(self) -> User:
        return User(self.name, self.role, dict(self.attrs))


def _account(row) -> Account:
    return Account(row.name, row.role, row.display_name, dict(row.attrs or {}), bool(row.disabled))


def _token_hash(token: str) -> str:
    # Tokens are 256-bit random strings, so a plain digest is enough (no dictionary to guess from).
    return hashlib.sha256(token.encode()).hexdigest()


class Users:
    def __init__(self, db):
        self.db = db

    def add(self, name: str, role: str, password: str | None = None, display_name: str = "",
            attrs: dict | None = None) -> Account:
        if not NAME.match(name):
            raise AppDBError(f"User name {name!r} is not allowed: use 1–64 letters, digits, _ . @ or -.")
        if password is not None and len(password) < MIN_PASSWORD:
            raise AppDBError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
        with self.db.write() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise AppDBError(f"User {name} already exists. Use `chatbi users set {name} …` to change it.")
            conn.execute(sa.insert(users).values(
                name=name, role=role, display_name=display_name or name, attrs=attrs or {},
                password_hash=_hasher.hash(password) if password else None, created_at=utcnow()))
        return Account(name, role, display_name or name, attrs or {})

    def update(self, name: str, role: str | None = None, password: str | None = None,
               attrs: dict | None = None, disabled: bool | None = None, display_name: str | None = None) -> Account:
        values: dict = {}
        if role is not None:
            values["role"] = role
        if attrs is not None:
            values["attrs"] = attrs
        if disabled is not None:
            values["disabled"] = disabled
        if display_name is not None:
            values["display_name"] = display_name
        if password is not None:
            if len(password) < MIN_PASSWORD:
                raise AppDBError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
            values["password_hash"] = _hasher.hash(password)
        with self.db.write() as conn:
            if values and not conn.execute(sa.update(users).where(users.c.name == name).values(**values)).rowcount:
                raise AppDBError(f"No user named {name}. `chatbi users list` shows who exists.")
        return self.get(name)

    def get(self, name: str) -> Account:
        with self.db.read() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None:
            raise AppDBError(f"No user named {name}. `chatbi users list` shows who exists.")
        return _account(row)

    def find(self, name: str) -> Account | None:
        try:
            return self.get(name)
        except AppDBError:
            return None

    def all(self) -> list[Account]:
        with self.db.read() as conn:
            return [_account(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when name and password match and it is enabled; None otherwise (no hint which)."""
        with self.db.read() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None or row.disabled or not row.password_hash:
            _hasher.hash(password)  # same cost either way: no timing hint that the user exists
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            self.update(name, password=password)
        return _account(row)

    # -- API tokens -------------------------------------------------------------------------------
    def issue_token(self, name: str, label: str = "") -> str:
        """A new token for the user; shown once, stored only as a digest."""
        token = "cbi_" + secrets.token_urlsafe(32)
        with self.db.write() as conn:
            user_id = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise AppDBError(f"No user named {name}. Add the user first with `chatbi users add`.")
            conn.execute(sa.insert(api_tokens).values(user_id=user_id, token_hash=_token_hash(token), label=label,
                                                      created_at=utcnow()))
        return token

    def by_token(self, token: str) -> Account | None:
        with self.db.read() as conn:
            row = conn.execute(sa.select(users).join(api_tokens, api_tokens.c.user_id == users.c.id).where(
                api_tokens.c.token_hash == _token_hash(token), sa.not_(api_tokens.c.revoked))).first()
        if row is None or row.disabled:
            return None
        return _account(row)

    def revoke_tokens(self, name: str) -> int:
        with self.db.write() as conn:
            user_id = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise AppDBError(f"No user named {name}.")
            return conn.execute(sa.update(api_tokens).where(api_tokens.c.user_id == user_id)
                                .values(revoked=True)).rowcount
