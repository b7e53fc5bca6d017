"""Proof that a Context comes from a successful login.

`accounts.login` (and the first-start `hall.configure_hall`, which sets the password) issue a
`Session` for the account; `hall.context_for` puts it in the Context; on a hall with accounts
`permissions.require` refuses a Context whose session is missing or names another account. A
Context built by hand naming the administrator therefore approves, creates and resets nothing.
Only `issue` makes one: the constructor refuses any other caller's seal.
"""

from __future__ import annotations

_SEAL = object()


class Session:
    """One successful login of `username` (never compared by value, never copied into rows)."""

    __slots__ = ("username",)

    def __init__(self, username: str, seal: object) -> None:
        if seal is not _SEAL:
            raise TypeError("a Session is issued by a login only")
        self.username = username

    def __repr__(self) -> str:
        return f"Session({self.username!r})"


def issue(username: str) -> Session:
    """For accounts.login / hall.configure_hall only."""
    return Session(username, _SEAL)


def proves(session: object, username: str) -> bool:
    """Whether `session` is a login's session for `username`."""
    return isinstance(session, Session) and session.username == username
