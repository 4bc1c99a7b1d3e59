"""How one route is probed for one role: the table's vocabulary (Route, Post, Query) and the checks.

Each probe sends requests as the role and asserts three things: the status the table expects,
that no string of a thing the role may not see is in the answer (HTML, JSON, CSV, the cells of
an XLSX, the text of a PDF), and, for refusals and changes, what the table says about them: a
`scope.denied` audit entry for an object outside the scope, nothing written by a refused change.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, reverse

from entas.accounts.models import User
from entas.core.models import AuditEntry
from tests.security.world import EVERYONE, Thing, World

Body = Callable[[World, str], list[dict[str, Any]]]
NOT_THERE = {"nik": "0000000000000000", "name": "TIDAK-ADA-SIAPAPUN"}


@dataclass(frozen=True)
class Query:
    """A query-string variant of a GET probe and the statuses it may answer."""

    params: dict[str, Any] | Callable[[World], dict[str, Any]]
    ok: tuple[int, ...] = (200,)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. htmx asking for the partial

    def resolve(self, w: World) -> dict[str, Any]:
        return self.params(w) if callable(self.params) else self.params


@dataclass(frozen=True)
class Post:
    """A change sent to the route. `target` "inside": the URL names a thing the role may see and
    the body names things it may not (expect a refusal in `ok` that reveals nothing); "outside":
    the URL names a hidden thing (expect 404 and a `scope.denied` entry); "refused": only sent by
    the roles outside `users`, which must be refused. Nothing is written either way."""

    label: str
    body: Body
    target: str = "inside"
    users: frozenset[str] | None = None  # who may send it; None: the route's users
    ok: tuple[int, ...] = (400,)
    extra: dict[str, Any] | Callable[[World, str], dict[str, Any]] = field(default_factory=dict)  # URL kwargs

    def kwargs(self, w: World, role: str) -> dict[str, Any]:
        return self.extra(w, role) if callable(self.extra) else self.extra


@dataclass(frozen=True)
class Route:
    """How to probe one route (by name, or by pattern when it has none)."""

    name: str
    kind: str | None = None  # the kind of world Thing whose key fills the URL
    kwarg: str = "pk"
    extra: dict[str, Any] = field(default_factory=dict)  # fixed URL kwargs
    users: frozenset[str] = EVERYONE  # roles that may use the route; the others are refused
    refused: tuple[int, ...] = (403,)
    queries: tuple[Query, ...] = (Query({}),)
    search: bool = False  # also ?q= with the NIK, No. KK and name of hidden people
    listing: str | None = None  # an API list: no result may be a hidden thing of this kind
    public: bool = False  # reference or national data: every object is "inside"
    get: bool = True
    posts: tuple[Post, ...] = ()
    absent: tuple[str, ...] = ()  # more strings no probing role may read here
    url: Callable[[Thing | None], str] | None = None  # for a route reverse() cannot build
    typed: Callable[[World], list[str]] | None = None  # what the role's own input put on this page
    api: bool = False  # a DRF route: JSON bodies, and a `.json` suffix variant where the router made one
    xfail: dict[str, str] = field(default_factory=dict)  # "role:probe" -> reason

    def probes(self, role: str) -> list[str]:
        names: list[str] = []
        if self.get:
            if role not in self.users:
                names.append("refused")
            elif self.kind and not self.public:
                names += ["inside", "outside", *(["suffix"] if self.api else [])]
            else:
                names.append("page")
            if self.search and role in self.users:
                names.append("search")
        names += [f"post-{p.label}" for p in self.posts if p.target != "refused" or role not in (p.users or ())]
        return names


def q(*variants: dict[str, Any] | Query) -> tuple[Query, ...]:
    return tuple(v if isinstance(v, Query) else Query(v) for v in variants)


# --- reading an answer ---------------------------------------------------------------------------

def content(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def text(response: HttpResponse) -> str:
    """What a reader of the answer sees: the cells of a workbook, the strings of a PDF, else the body."""
    raw = content(response)
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    if raw.startswith(b"%PDF"):
        return raw.decode("latin-1")
    return raw.decode("utf-8", "replace")


def leaks(w: World, role: str, body: str, known: Iterable[str] = (), absent: Iterable[str] = ()) -> list[str]:
    """The secrets of things hidden from `role` found in `body`, except what the user typed (`known`)."""
    lowered, typed = body.lower(), {str(k).lower() for k in known if k}
    found = [f"{secret!r} ({what})" for secret, what in w.hidden_from(role).items()
             if secret in lowered and not any(secret in t for t in typed)]
    return found + [f"{s!r} (not for any probing role here)" for s in absent if s.lower() in lowered]


# --- what a change wrote -------------------------------------------------------------------------

def _counted() -> list[Any]:
    # Not the audit log (probes write scope.denied entries), sessions, and not the 91,599 regions,
    # which no route writes and which would cost a scan per count.
    skip = {"core.auditentry", "accounts.loginfailure", "monitoring.refreshrequest", "monitoring.refreshplace",
            "sessions.session", "contenttypes.contenttype", "auth.permission", "django_tasks_database.dbtaskresult",
            "regions.region"}
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.label_lower not in skip]


def snapshot() -> dict[str, int]:
    """The row count of every table a change could write, in one query."""
    models = _counted()
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # table names from the models
        row = cursor.fetchone()
    return {m._meta.label_lower: n for m, n in zip(models, row, strict=True)}


def denials(user: User) -> int:
    return AuditEntry.objects.filter(action="scope.denied", actor_id=user.pk).count()


# --- building the address ------------------------------------------------------------------------

def address(route: Route, thing: Thing | None, extra: dict[str, Any] | None = None, suffix: str = "") -> str:
    if route.url is not None:
        return route.url(thing)
    kwargs = dict(route.extra)
    if route.kind and thing is not None:
        kwargs[route.kwarg] = thing.key
    kwargs.update(extra or {})
    if suffix:
        kwargs["format"] = suffix
    return reverse(route.name, kwargs=kwargs or None)


def suffixed(route: Route, thing: Thing | None) -> str | None:
    """The `.json` variant of a DRF route, where the router made one."""
    if route.url is not None or not route.api:
        return None
    try:
        return address(route, thing, suffix="json")
    except NoReverseMatch:
        return None


# --- the probe -----------------------------------------------------------------------------------

@dataclass
class Probe:
    w: World
    clients: dict[str, Client]
    route: Route
    role: str
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def user(self) -> Any:
        return self.w.users[self.role]

    def fail(self, url: str, message: str) -> None:
        self.problems.append(f"{url}: {message}")

    def send(self, url: str, params: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
             is_json: bool = False, headers: dict[str, str] | None = None) -> HttpResponse:
        # The API client calls the API with its bearer token, the pages with its session.
        client = self.clients["api-token" if self.role == "api" and self.route.api else self.role]
        if data is None:
            return client.get(url, params or {}, headers=headers)  # type: ignore[return-value]
        if is_json:
            return client.post(url, json.dumps(data), content_type="application/json")  # type: ignore[return-value]
        return client.post(url, data)  # type: ignore[return-value]

    def check(self, url: str, response: HttpResponse, ok: Iterable[int], known: Iterable[str] = (),
              refusal: bool = False) -> str:
        body = text(response)
        if response.status_code not in set(ok):
            self.fail(url, f"answered {response.status_code}, expected {sorted(set(ok))}")
        where = response.get("Location", "")
        if refusal and response.status_code == 302 and "login" not in where and where != "/admin/":
            self.fail(url, f"redirected to {where}, expected the login page")
        typed = self.route.typed(self.w) if self.route.typed else []
        for leak in leaks(self.w, self.role, body, [url, *known, *typed], self.route.absent):
            self.fail(url, f"leaks {leak}")
        return body

    def things(self, kind: str, inside: bool) -> list[Thing]:
        return self.w.inside(kind, self.role) if inside else self.w.outside(kind, self.role)

    # GET probes

    def page(self) -> None:
        things = self.w.things[self.route.kind] if self.route.kind else [None]
        for thing in things:
            for query in self.route.queries:
                url = address(self.route, thing)
                response = self.send(url, query.resolve(self.w), headers=query.headers)
                self.check(url, response, query.ok)
                self.listing(url, response)

    def listing(self, url: str, response: HttpResponse) -> None:
        if not self.route.listing or response.status_code != 200:
            return
        hidden = {t.key for t in self.things(self.route.listing, inside=False)}
        rows = json.loads(content(response))
        listed = {row.get("id") for row in (rows["results"] if isinstance(rows, dict) else rows)}
        if shown := hidden & listed:
            self.fail(url, f"lists hidden {self.route.listing} ids {sorted(shown)}")

    def inside(self) -> None:
        things = self.things(self.route.kind or "", inside=True)
        for thing in things:
            for query in self.route.queries:
                url = address(self.route, thing)
                self.check(url, self.send(url, query.resolve(self.w), headers=query.headers), query.ok)
        if not things:
            self.skipped.append(f"nothing of kind {self.route.kind} lies inside the {self.role}'s scope")

    def outside(self) -> None:
        for thing in self.things(self.route.kind or "", inside=False):
            for query in self.route.queries:
                self.denied(address(self.route, thing), query.resolve(self.w), headers=query.headers)

    def suffix(self) -> None:
        """The `.json` address the router adds beside every API route answers like the plain one."""
        for thing in self.things(self.route.kind or "", inside=False):
            if url := suffixed(self.route, thing):
                self.denied(url)

    def denied(self, url: str, params: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
               is_json: bool = False, headers: dict[str, str] | None = None) -> None:
        """404 for a hidden object, written to the audit log as `scope.denied`; a change writes nothing."""
        count, before = denials(self.user), snapshot() if data is not None else None
        known = _values(data) if data is not None else []
        response = self.send(url, params, data, is_json, headers)
        self.check(url, response, (404,), known)
        if response.status_code == 404 and denials(self.user) == count:
            self.fail(url, "answered 404 without a scope.denied audit entry")
        if before is not None:
            self.unchanged(url, before)

    def refused(self) -> None:
        kind = self.route.kind
        inside = (self.things(kind, inside=True) or [self.w.any(kind)])[:1] if kind else [None]
        outside = self.things(kind, inside=False)[:1] if kind and not self.route.public else []
        for thing in inside + outside:
            url = address(self.route, thing)
            self.check(url, self.send(url, self.route.queries[0].resolve(self.w)), {*self.route.refused, 404},
                       refusal=True)

    def search(self) -> None:
        """Searching for a hidden person's NIK, No. KK or name answers as if she did not exist."""
        url = address(self.route, None)
        baselines: dict[str, str] = {}
        for value in self.w.searches(self.role):
            shape = "nik" if value.isdigit() else "name"
            if shape not in baselines:
                baselines[shape] = self._normal(self.check(url, self.send(url, {"q": NOT_THERE[shape]}), (200,)),
                                                NOT_THERE[shape])
            found = self._normal(self.check(url, self.send(url, {"q": value}), (200,), [value]), value)
            if found != baselines[shape]:
                self.fail(f"{url}?q={value}", "answers differently than for a person who does not exist")

    @staticmethod
    def _normal(body: str, value: str) -> str:
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
        return re.sub(re.escape(value), "§", body, flags=re.IGNORECASE)

    # POST probes

    def post(self, post: Post) -> None:
        users = self.route.users if post.users is None else post.users
        is_json = self.route.api
        if self.role not in users:
            return self._post_refused(post, is_json)
        if post.target == "outside":
            return self._post_outside(post, is_json)
        things = self.things(self.route.kind, inside=True)[:1] if self.route.kind else [None]
        if not things:
            self.skipped.append(f"nothing of kind {self.route.kind} lies inside the {self.role}'s scope")
        for thing in things:
            url = address(self.route, thing, post.kwargs(self.w, self.role))
            for data in post.body(self.w, self.role):
                before = snapshot()
                self.check(url, self.send(url, data=data, is_json=is_json), post.ok, _values(data))
                self.unchanged(url, before)

    def _post_outside(self, post: Post, is_json: bool) -> None:
        for thing in self.things(self.route.kind or "", inside=False):
            url = address(self.route, thing, post.kwargs(self.w, self.role))
            for data in post.body(self.w, self.role):
                self.denied(url, data=data, is_json=is_json)

    def _post_refused(self, post: Post, is_json: bool) -> None:
        kind = self.route.kind
        things = ((self.things(kind, inside=True) or [self.w.any(kind)])[:1] + self.things(kind, inside=False)[:1]
                  if kind else [None])
        for thing in things:
            url = address(self.route, thing, post.kwargs(self.w, self.role))
            for data in post.body(self.w, self.role)[:1]:  # refused whatever it says
                before = snapshot()
                self.check(url, self.send(url, data=data, is_json=is_json), {*self.route.refused, 404}, _values(data),
                           refusal=True)
                self.unchanged(url, before)

    def unchanged(self, url: str, before: dict[str, int]) -> None:
        after = snapshot()
        if changed := {k: (v, after[k]) for k, v in before.items() if after[k] != v}:
            self.fail(url, f"a refused change wrote rows: {changed}")


def _values(data: dict[str, Any]) -> list[str]:
    values: list[str] = []
    for value in data.values():
        values += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return values

