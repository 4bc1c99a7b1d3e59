"""Login throttling: too many failed logins lock an account (or a client address) for a while.

The rules (settings, from environment variables):
* LOGIN_FAILURES_PER_ACCOUNT (5) failed logins of one account within LOGIN_FAILURE_WINDOW (15 min)
  lock that account for LOGIN_LOCKOUT (15 min), counted from the failure that reached the limit;
* LOGIN_FAILURES_PER_ADDRESS (50) failed logins from one client address, whatever the accounts, lock
  that address the same way: higher, because a district office sits behind one address.

A locked account is refused before its password is checked (`backends.LockoutModelBackend`), so a
guess made while locked tells nothing and is not counted: the lock is not extended by more tries,
and ends when it says it ends. Every failed login is one `LoginFailure` row; the lock is worked out
from those rows, so there is no lock state to keep in step. A successful login, or an administrator
unlocking the account, deletes the account's rows.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from entas.accounts.models import LoginFailure, User
from entas.core import audit
from entas.core.scoping import visible

ACCOUNT, ADDRESS = "account", "address"
# Rows older than this can no longer count towards a lock; they are deleted as new ones come.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Lock:
    kind: str  # ACCOUNT or ADDRESS
    until: datetime

    def minutes_left(self, now: datetime | None = None) -> int:
        left = (self.until - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(left / 60))


@dataclass(frozen=True)
class LockedAccount:
    user: User
    until: datetime
    failures: int


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _lockout() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def lock_end(times: Iterable[datetime], limit: int, window: timedelta, lockout: timedelta) -> datetime | None:
    """When the last lock these failures caused ends (None: they caused none).

    Walks the failures in order: `limit` of them within `window` start a lock of `lockout` from the
    last of them; failures before a lock never count towards the next one."""
    until: datetime | None = None
    streak: list[datetime] = []
    for at in sorted(times):
        if until is not None and at < until:
            continue  # not normally stored (refused before counting); harmless if it is
        streak = [t for t in streak if t > at - window and (until is None or t >= until)]
        streak.append(at)
        if len(streak) >= limit:
            until, streak = at + lockout, []
    return until


def _lock_of(kind: str, limit: int, now: datetime, **match: str) -> Lock | None:
    since = now - _window() - _lockout()
    times = LoginFailure.objects.filter(at__gte=since, **match).values_list("at", flat=True)
    end = lock_end(times, limit, _window(), _lockout())
    return Lock(kind, end) if end is not None and end > now else None


def current_lock(username: str, address: str = "", now: datetime | None = None) -> Lock | None:
    """The lock that refuses a login of `username` from `address` now, if any (the account's first)."""
    now = now or timezone.now()
    if username and (found := _lock_of(ACCOUNT, settings.LOGIN_FAILURES_PER_ACCOUNT, now, username=username)):
        return found
    if address:
        return _lock_of(ADDRESS, settings.LOGIN_FAILURES_PER_ADDRESS, now, address=address)
    return None


@transaction.atomic
def failed(username: str, address: str) -> Lock | None:
    """Count one failed login; audit `login.locked` when it starts a lock. A try refused because of
    a lock is not counted (the password was never checked)."""
    username, address = username[:150], address[:64]
    if current_lock(username, address) is not None:
        return None
    LoginFailure.objects.create(username=username, address=address)
    LoginFailure.objects.filter(at__lt=timezone.now() - KEEP).delete()
    found = current_lock(username, address)
    if found is not None:
        audit.record(None, audit.Action.LOGIN_LOCKED, details={
            "username": username, "address": address, "by": found.kind, "until": found.until.isoformat(),
            "minutes": settings.LOGIN_LOCKOUT_MINUTES})
    return found


def succeeded(username: str) -> None:
    """A login went through: the account's earlier failures no longer count."""
    LoginFailure.objects.filter(username=username).delete()


def locked_accounts(viewer: User | None) -> list[LockedAccount]:
    """Accounts locked now that `viewer` may see (her region scope, as for managing users)."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - _window() - _lockout())
    names = set(recent.values_list("username", flat=True))
    found = []
    for user in visible(viewer, User.objects.filter(username__in=names)).order_by("username"):
        lock = _lock_of(ACCOUNT, settings.LOGIN_FAILURES_PER_ACCOUNT, now, username=user.username)
        if lock is not None:
            found.append(LockedAccount(user, lock.until, recent.filter(username=user.username).count()))
    return found


@transaction.atomic
def unlock(actor: User | None, account: User) -> None:
    """An administrator lifts the lock at once (the caller has checked that `account` is in her scope)."""
    removed, _ = LoginFailure.objects.filter(username=account.username).delete()
    audit.record(actor, audit.Action.LOGIN_UNLOCKED, account,
                 details={"username": account.username, "failures": removed})
