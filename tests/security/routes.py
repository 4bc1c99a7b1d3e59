"""ROUTES: how every route of the URL configuration is probed for scope isolation.

One entry per route name (or, for a route without a name, its pattern). The suite walks
`get_resolver()` and fails for a route that has no entry here, so a new page, API action or
admin model cannot ship without saying who may use it and what it must hide.

The vocabulary (tests/security/probes.py): `kind` names the world thing whose key fills the URL
(`kwarg`): the suite opens those inside the role's scope (expects `ok`, no hidden string) and
those outside it (expects 404 and a `scope.denied` audit entry). `users` may use the route, the
other roles are `refused`. `search` also types hidden people's NIK, No. KK and name into `?q=`.
`posts` send changes naming hidden things in the URL or the body: refused, revealing nothing,
writing nothing.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from entas.registry.models import Household
from tests.security import (
    routes_cooperative,
    routes_family,
    routes_field,
    routes_impact,
    routes_linkage,
    routes_monitoring,
    routes_partners,
    routes_programmes,
    routes_rules,
    routes_sharing,
)
from tests.security.probes import Post, Query, Route, q
from tests.security.world import API, BOKONUSAN, EVERYONE, FACILITATOR, MANAGER, NOBODY, OFFICER, World

D = "2026-03-10"
PRAMBANAN = "33.10.01"
KUMKM = EVERYONE - {API}  # change_forms.CHANGES_KUMKM: API clients only read
ENROLMENTS = frozenset({OFFICER, FACILITATOR})  # graduation.queries.CHANGES_ENROLMENTS
STAFF = frozenset({OFFICER})  # accounts.roles.USES_ADMIN among the probing roles
ADMIN_REFUSED = (302, 403)  # to the admin login (not staff), or 403 (staff without the permission)


def hidden(w: World, kind: str, role: str) -> list[Any]:
    return [t.obj for t in w.outside(kind, role)]


def own_person(w: World, role: str) -> Any:
    """Someone the role may name in a form; the case family's head for a role that sees nobody."""
    return next((t.obj for t in w.inside("person", role)), w.named["case_head"])


# --- bodies of the changes ----------------------------------------------------------------------

def join_hidden(w: World, role: str) -> list[dict[str, Any]]:
    people = hidden(w, "person", role)
    if role == MANAGER:
        # He may join a new member by the exact NIK on her KTP inside his region (change_views._person,
        # core.scoping.region_only), never anyone beyond it.
        people = [p for p in people if not p.household.village_id.startswith(PRAMBANAN + ".")]
    return [{"nik": p.nik, "joined": D, "share_principal": 0, "share_mandatory": 0} for p in people]


def join_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"nik": own_person(w, role).nik, "joined": D, "share_principal": 0, "share_mandatory": 0}]


def job_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"nik": p.nik, "start": D, "position": "Juru masak"} for p in hidden(w, "person", role)]


def job_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"nik": own_person(w, role).nik, "start": D, "position": "Juru masak"}]


def group_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return ([{"nib": e.nib, "joined": D} for e in hidden(w, "enterprise", role)]
            + [{"nik": p.nik, "joined": D} for p in hidden(w, "person", role)])


def group_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"nik": own_person(w, role).nik, "joined": D}]


def new_group(w: World, role: str) -> list[dict[str, Any]]:
    base = {"name": "Kelompok Uji", "kind": "kelompok", "sector": "C", "region": "33.10.01", "formed": D}
    return ([{**base, "cooperative": c.registration_number} for c in hidden(w, "cooperative", role)]
            + [{**base, "region": code} for code in hidden(w, "region", role)])


def grant_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"user": u.pk} for u in hidden(w, "user", role)]


def revoke_kupang(w: World, role: str) -> list[dict[str, Any]]:
    return [{"revoke": w.named["kupang_access"].pk}]


def new_cooperative(w: World, role: str) -> list[dict[str, Any]]:
    return [{"name": "Koperasi Uji", "type": "producer", "village": BOKONUSAN, "registration_number": "",
             "legal_entity_number": "", "founded": D}]


def end(field: str) -> Any:
    return lambda w, role: [{field: D}]


def enrol_hidden(w: World, role: str) -> list[dict[str, Any]]:
    kk = w.named["case_home"].kk_number
    return ([{"kind": "one", "kk_number": h.kk_number} for h in hidden(w, "household", role)]
            + [{"kind": "one", "kk_number": kk, "facilitator": f.pk} for f in hidden(w, "facilitator", role)])


def enrol_kupang(w: World, role: str) -> list[dict[str, Any]]:
    return [{"kind": "bulk", "regions": "53.01"}]


def priority_list(w: World, role: str) -> list[dict[str, Any]]:
    return [{"programme": w.named["programme"].pk, "name": "Daftar Uji", "quotas": "", "limit": 3}]


def session_hidden_place(w: World, role: str) -> list[dict[str, Any]]:
    return [{"programme": w.named["programme"].pk, "kind": "training", "topic": "Uji", "on": D, "region": code}
            for code in hidden(w, "region", role)]


def attend_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"attendees": [e.pk]} for e in hidden(w, "enrolment", role)]


def attend_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"attendees": [w.named["case_enrolment"].pk]}]


def form(prefix: str, **data: Any) -> dict[str, Any]:
    return {f"{prefix}-{k}": v for k, v in data.items()}


def family_cooperative(w: World, role: str) -> list[dict[str, Any]]:
    me, coop = w.named["case_head"].pk, w.named["coop"].pk
    return ([form("cooperative", person=me, cooperative=c.pk, on=D, share_principal=0)
             for c in hidden(w, "cooperative", role)]
            + [form("cooperative", person=p.pk, cooperative=coop, on=D, share_principal=0)
               for p in hidden(w, "person", role)])


def family_job(w: World, role: str) -> list[dict[str, Any]]:
    me, employer = w.named["case_head"].pk, w.named["enterprise"].pk
    return ([form("job", person=me, enterprise=e.pk, on=D, position="") for e in hidden(w, "enterprise", role)]
            + [form("job", person=p.pk, enterprise=employer, on=D, position="") for p in hidden(w, "person", role)])


def family_reassign(w: World, role: str) -> list[dict[str, Any]]:
    return [form("reassign", facilitator=f.pk, reason="Uji") for f in hidden(w, "facilitator", role)]


def family_loan(w: World, role: str) -> list[dict[str, Any]]:
    return [form("loan_status", loan=loan.pk, status="approved", on=D) for loan in hidden(w, "loan", role)]


def family_visit(w: World, role: str) -> list[dict[str, Any]]:
    return [form("visit", on=D, notes="Uji")]


def api_membership(w: World, role: str) -> list[dict[str, Any]]:
    me, coop = w.named["case_head"].pk, w.named["coop"].pk
    return ([{"cooperative": c.pk, "person": me, "joined": D} for c in hidden(w, "cooperative", role)]
            + [{"cooperative": coop, "person": p.pk, "joined": D} for p in hidden(w, "person", role)])


def api_membership_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"cooperative": w.named["coop"].pk, "person": w.named["case_head"].pk, "joined": D}]


def api_job(w: World, role: str) -> list[dict[str, Any]]:
    me, employer = w.named["case_head"].pk, w.named["enterprise"].pk
    return ([{"enterprise": e.pk, "person": me, "start": D} for e in hidden(w, "enterprise", role)]
            + [{"enterprise": employer, "person": p.pk, "start": D} for p in hidden(w, "person", role)])


def api_job_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"enterprise": w.named["enterprise"].pk, "person": w.named["case_head"].pk, "start": D}]


def api_reassign(w: World, role: str) -> list[dict[str, Any]]:
    return [{"facilitator": f.pk, "reason": "Uji"} for f in hidden(w, "facilitator", role)]


def api_reassign_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"facilitator": w.named["facilitator"].pk, "reason": "Uji"}]


def api_session(w: World, role: str) -> list[dict[str, Any]]:
    base = {"programme": w.named["programme"].pk, "kind": "training", "topic": "Uji", "date": D}
    return ([{**base, "region": code, "attendees": []} for code in hidden(w, "region", role)]
            + [{**base, "region": "33.10.01", "attendees": [e.pk]} for e in hidden(w, "enrolment", role)])


def api_priority_list(w: World, role: str) -> list[dict[str, Any]]:
    return [{"programme": w.named["programme"].pk, "name": "Daftar Uji", "weights": {"extreme_poor": 1}}]


def body(**data: Any) -> Any:
    return lambda w, role: [data]


def kupang_loan(w: World, role: str) -> dict[str, Any]:
    return {"pk": next(t.obj.pk for t in w.things["loan"] if not t.seen_by)}


def programme_filter(w: World) -> dict[str, Any]:
    return {"programme": w.named["programme"].pk}


def kupang_cooperative(w: World) -> dict[str, Any]:
    return {"cooperative": w.named["kupang_coop"].pk}


def view_on_site(thing: Any) -> str:
    home = Household.objects.get(kk_number="5301041201250001")
    return f"/admin/r/{ContentType.objects.get_for_model(Household).pk}/{home.pk}/"


def api(name: str, **kwargs: Any) -> Route:
    return Route(name, api=True, **kwargs)


SEARCH = q({}, {"region": "53.01"})
HTMX = {"HX-Request": "true"}  # the partial a page polls or swaps in
DASHBOARD = q({}, {"format": "xlsx"}, {"format": "pdf"})
PAGES = [
    Route("home", queries=q(Query({}, ok=(302, 200)))),
    Route("login"),
    Route("logout", queries=q(Query({}, ok=(405,)))),  # POST only; posting would end the probe's session
    Route("set_language", queries=q(Query({}, ok=(302,)))),
    Route("favicon", queries=q(Query({}, ok=(302,)))),  # a redirect to the static SVG
    Route("regions:search", queries=q({"q": "Kupang"}, {"q": "Semau"}, Query({"q": "Kupang"}, headers=HTMX)),
          search=True, absent=("53.01",)),
    Route("regions:detail", kind="region", kwarg="code"),
    Route("registry:households", queries=q({}, {"format": "csv"}, {"format": "xlsx"}, {"region": "53.01"}),
          search=True),
    Route("registry:household", kind="household"),
    # The officer's own request shows the NIK her file gave; nothing of the person's record.
    Route("registry:moves", queries=q({}, {"status": "approved"}), typed=lambda w: [w.named["moved"].nik]),
    # Deciding needs both ends inside the scope: the officer's own request names a Kupang person.
    Route("registry:move-decide", kind="move", get=False, posts=(
        Post("approve", body(decision="approve", note="Uji"), users=EVERYONE, ok=(302,)),
        Post("outside", body(decision="reject", note="Uji"), "outside", EVERYONE))),
    Route("accounts:locked", users=STAFF),
    # API clients manage their own tokens (and the national administrator everyone's).
    Route("accounts:tokens", users=frozenset({API}), posts=(
        Post("new", body(name="Token uji", days=30), "refused", frozenset({API})),)),
    Route("accounts:revoke_token", kind="token", get=False, users=frozenset({API}), posts=(
        Post("outside", body(), "outside"),)),
    Route("accounts:unlock", kind="user", get=False, posts=(Post("outside", body(), "outside", STAFF),)),
    Route("enterprises:enterprises", queries=SEARCH, search=True),
    Route("enterprises:enterprise", kind="enterprise"),
    Route("enterprises:cooperatives", queries=SEARCH, search=True),
    Route("enterprises:cooperative", kind="cooperative"),
    Route("enterprises:groups", queries=SEARCH),
    Route("enterprises:group", kind="group"),
    Route("enterprises:cooperative_access", kind="cooperative", users=STAFF, posts=(
        Post("hidden-user", grant_hidden), Post("revoke-other", revoke_kupang, ok=(302,)),
        Post("outside", grant_hidden, "outside"))),
    Route("enterprises:record_job", kind="enterprise", users=KUMKM,
          posts=(Post("hidden-person", job_hidden), Post("outside", job_own, "outside"))),
    Route("enterprises:end_job", kind="job", users=KUMKM, posts=(Post("outside", end("end"), "outside"),)),
    Route("enterprises:register_cooperative", users=KUMKM, posts=(Post("kupang-village", new_cooperative),)),
    Route("enterprises:join", kind="cooperative", users=KUMKM,
          posts=(Post("hidden-person", join_hidden), Post("outside", join_own, "outside"))),
    Route("enterprises:leave", kind="membership", users=KUMKM, posts=(Post("outside", end("left"), "outside"),)),
    Route("enterprises:form_group", users=KUMKM, posts=(Post("hidden-place", new_group),)),
    Route("enterprises:add_group_member", kind="group", users=KUMKM,
          posts=(Post("hidden-member", group_hidden), Post("outside", group_own, "outside"))),
    Route("ingest:upload", kind="import_target", kwarg="target", users=STAFF,
          posts=(Post("no-file", body(kind="auto", mode="accept-valid", source="DTSEN"), users=STAFF, ok=(200,)),)),
    Route("ingest:batch", kind="batch", queries=q({}, Query({}, headers=HTMX))),
    Route("ingest:rejects", kind="batch"),
    Route("programmes:programmes"),
    Route("graduation:programme", kind="programme", public=True),
    Route("graduation:enrol", kind="programme", public=True, posts=(
        Post("hidden-household", enrol_hidden, users=ENROLMENTS),
        Post("bulk-kupang", enrol_kupang, users=STAFF))),
    # A district-wide role has nothing to rank (400 naming why); no role may rank beyond its region.
    Route("programmes:ranking", queries=q(Query({}, ok=(200, 400)), Query({"within": "53.01"}, ok=(400,))),
          posts=(Post("save", priority_list, users=NOBODY),)),
    Route("programmes:priority_list", kind="priority_list", public=True, absent=("53.01",)),
    Route("graduation:my_families"),
    Route("graduation:facilitators", queries=q({}, {"year": "2026"})),
    Route("graduation:sessions", queries=q({}, Query(programme_filter), {"programme": "abc"})),
    Route("graduation:session_create", users=ENROLMENTS, posts=(Post("hidden-place", session_hidden_place),)),
    Route("graduation:session", kind="session", posts=(
        Post("hidden-family", attend_hidden, users=ENROLMENTS), Post("outside", attend_own, "outside", ENROLMENTS))),
    Route("graduation:enrolment", kind="enrolment"),
    Route("graduation:enrolment_action", kind="enrolment", get=False, posts=(
        Post("visit-outside", family_visit, "outside", ENROLMENTS, extra={"name": "visit"}),
        Post("cooperative", family_cooperative, users=ENROLMENTS, extra={"name": "cooperative"}),
        Post("job", family_job, users=ENROLMENTS, extra={"name": "job"}),
        Post("reassign", family_reassign, users=ENROLMENTS, extra={"name": "reassign"}),
        Post("loan-status", family_loan, users=ENROLMENTS, extra={"name": "loan_status"}))),
    Route("partnerships:agreements"),
    Route("partnerships:expiring"),
    Route("partnerships:agreement", kind="agreement", public=True),
    Route("partnerships:document", kind="agreement", public=True),
    Route("partnerships:agreement_create", users=NOBODY, refused=(404,),
          posts=(Post("new", body(kind="mou", number="002/MOU/2026", title="Uji"), users=NOBODY),)),
    Route("partnerships:partner_create", users=NOBODY, refused=(404,),
          posts=(Post("new", body(name="Mitra Uji", kind="ngo"), users=NOBODY),)),
    Route("monitoring:national", queries=q(Query({}, ok=(302,)))),
    Route("monitoring:region", kind="region", kwarg="code", queries=DASHBOARD),
]

API_ROUTES = [
    Route("api-schema"),
    Route("api-docs"),
    api("api-root"),
    # An id that is not a number answers 400 naming it, alike for every role: it names nothing.
    api("api-not-an-id-top", url=lambda _: "/api/households/abc/", queries=q(Query({}, ok=(400,)))),
    api("api-not-an-id", url=lambda _: "/api/enrolments/1/loans/abc/", queries=q(Query({}, ok=(400,)))),
    api("api-not-an-enrolment", url=lambda _: "/api/enrolments/abc/visits/", queries=q(Query({}, ok=(400,)))),
    api("region-list", queries=q({}, {"q": "Kupang"}, {"parent": "53.01"})),
    api("region-detail", kind="region", kwarg="code", public=True),  # reference data (regions/api.py)
    api("region-children", kind="region", kwarg="code", public=True),
    api("agency-list"),
    api("agency-detail", kind="agency", kwarg="code", public=True),
    api("user-list", users=STAFF, listing="user"),
    api("user-me"),
    api("user-detail", kind="user", users=STAFF),
    api("audit-list", users=STAFF, listing="audit"),
    api("audit-detail", kind="audit", users=STAFF),
    api("household-list", queries=SEARCH, search=True, listing="household"),
    api("household-detail", kind="household"),
    api("person-list", queries=SEARCH, search=True, listing="person"),
    api("person-detail", kind="person"),
    api("enterprise-list", queries=SEARCH, search=True, listing="enterprise"),
    api("enterprise-detail", kind="enterprise"),
    api("cooperative-list", queries=SEARCH, search=True, listing="cooperative"),
    api("cooperative-detail", kind="cooperative"),
    api("cooperative-membership-list", queries=q({}, Query(kupang_cooperative)), listing="membership"),
    api("cooperative-membership-detail", kind="membership"),
    api("job-list", queries=q({}, {"poor_only": "true"}), listing="job"),
    api("job-detail", kind="job"),
    api("group-list", queries=SEARCH, listing="group"),
    api("group-detail", kind="group"),
    api("programme-list"),
    api("programme-detail", kind="programme", public=True),
    api("enrolment-list", listing="enrolment"),
    api("enrolment-detail", kind="enrolment"),
    api("enrolment-loan-list", kind="enrolment", kwarg="enrolment_pk", posts=(
        Post("outside", body(scheme="kur_mikro", lender="Bank Uji", amount=1, on=D), "outside", ENROLMENTS),)),
    api("enrolment-loan-status", kind="enrolment", kwarg="enrolment_pk", get=False, posts=(
        Post("hidden-loan", body(status="approved", on=D), users=ENROLMENTS, ok=(404,), extra=kupang_loan),
        Post("outside", body(status="approved", on=D), "outside", ENROLMENTS, extra=kupang_loan))),
    api("enrolment-market-access-list", kind="enrolment", kwarg="enrolment_pk", posts=(
        Post("outside", body(channel="marketplace", sales_value=1, on=D), "outside", ENROLMENTS),)),
    api("enrolment-cooperative-membership-list", kind="enrolment", kwarg="enrolment_pk", get=False, posts=(
        Post("hidden", api_membership, users=ENROLMENTS), Post("outside", api_membership_own, "outside", ENROLMENTS))),
    api("enrolment-job-list", kind="enrolment", kwarg="enrolment_pk", get=False, posts=(
        Post("hidden", api_job, users=ENROLMENTS), Post("outside", api_job_own, "outside", ENROLMENTS))),
    api("enrolment-reassign", kind="enrolment", get=False, posts=(
        Post("hidden", api_reassign, users=ENROLMENTS), Post("outside", api_reassign_own, "outside", ENROLMENTS))),
    api("enrolment-transition", kind="enrolment", get=False,
        posts=(Post("outside", body(action="mark_ready", on=D), "outside", ENROLMENTS),)),
    api("enrolment-visit-list", kind="enrolment", kwarg="enrolment_pk", get=False,
        posts=(Post("outside", body(on=D, notes="Uji"), "outside", ENROLMENTS),)),
    api("training-session-list", queries=q({}, Query(programme_filter)), listing="session",
        posts=(Post("hidden", api_session, users=ENROLMENTS),)),
    api("training-session-detail", kind="session"),
    api("training-session-attendance", kind="session", get=False, posts=(
        Post("hidden", attend_hidden, users=ENROLMENTS), Post("outside", attend_own, "outside", ENROLMENTS))),
    api("priority-ranking-list", queries=q(Query({}, ok=(200, 400)), Query({"within": "53.01"}, ok=(400,)))),
    api("priority-list-list", posts=(Post("save", api_priority_list, users=NOBODY),)),
    api("priority-list-detail", kind="priority_list", public=True, absent=("53.01",)),
    api("partner-list"),
    api("partner-detail", kind="partner", public=True),
    api("agreement-list"),
    api("agreement-detail", kind="agreement", public=True),
    api("indicator-list"),
    api("indicator-detail", kind="indicator", public=True),
    api("target-list", listing="target"),
    api("target-detail", kind="target"),
    api("rollup-list", listing="rollup"),
    api("rollup-detail", kind="rollup"),
]


# --- the admin: every registered ModelAdmin's pages, from this table -----------------------------

@dataclass(frozen=True)
class AdminModel:
    """`kind`: the world things of the model (None: national or reference data, no scope);
    `officer`: "scoped" (she lists and opens what lies inside her region), "reads" (national data,
    read-only for staff) or "refused" (she has no permission on it)."""

    kind: str | None
    officer: str


ADMIN_MODELS = {
    "accounts.user": AdminModel("user", "scoped"),
    "accounts.agency": AdminModel(None, "refused"),
    "auth.group": AdminModel(None, "refused"),
    "django_tasks_database.dbtaskresult": AdminModel(None, "refused"),
    "core.auditentry": AdminModel("audit", "scoped"),
    "regions.region": AdminModel("region", "scoped"),
    "enterprises.enterprise": AdminModel("enterprise", "scoped"),
    "enterprises.cooperative": AdminModel("cooperative", "scoped"),
    "enterprises.businessunit": AdminModel("unit", "scoped"),
    "enterprises.membership": AdminModel("membership", "scoped"),
    "enterprises.manager": AdminModel("coop_manager", "scoped"),
    "enterprises.job": AdminModel("job", "scoped"),
    "enterprises.group": AdminModel("group", "scoped"),
    "programmes.programme": AdminModel("programme", "reads"),
    "programmes.facilitator": AdminModel("facilitator", "scoped"),
    "graduation.enrolment": AdminModel("enrolment", "scoped"),
    "partnerships.partner": AdminModel("partner", "refused"),
    "partnerships.agreement": AdminModel("agreement", "refused"),
    "monitoring.indicator": AdminModel("indicator", "refused"),
    "monitoring.period": AdminModel(None, "refused"),
    "monitoring.target": AdminModel("target", "scoped"),
    "monitoring.rollup": AdminModel("rollup", "scoped"),
}
ADMIN_SITE = [
    Route("admin:index", users=STAFF, refused=(302,)),
    Route("admin:login", queries=q(Query({}, ok=(200, 302)))),
    Route("admin:logout", queries=q(Query({}, ok=(302, 405)))),  # POST only; the others go back to /admin/
    Route("admin:password_change", users=STAFF, refused=(302,)),
    Route("admin:password_change_done", users=STAFF, refused=(302,)),
    Route("admin:jsi18n", users=STAFF, refused=(302,)),
    Route("admin:autocomplete", users=STAFF, refused=(302,), queries=q(Query(
        {"app_label": "enterprises", "model_name": "membership", "field_name": "person", "term": "RAHASIA"},
        ok=(403,)))),
    Route("admin:view_on_site", users=STAFF, refused=(302,), url=view_on_site, queries=q(Query({}, ok=(404,)))),
    Route("admin:app_list", users=STAFF, refused=(302,), extra={"app_label": "enterprises"}),
    Route("admin/(?P<url>.*)$", users=STAFF, refused=(302,), url=lambda thing: "/admin/tidak/ada/",
          queries=q(Query({}, ok=(404,)))),
    Route("admin:auth_user_password_change", users=NOBODY, refused=ADMIN_REFUSED,
          url=lambda thing: f"/admin/accounts/user/{thing.key if thing else 1}/password/", kind="user"),
]


def _admin_object_url(app: str, model: str, view: str) -> Any:
    def url(thing: Any) -> str:
        key = thing.key if thing is not None else 1
        return f"/admin/{app}/{model}/{key}/{view}"
    return url


def admin_routes(label: str, spec: AdminModel) -> list[Route]:
    """changelist, add, history, delete, change and the bare object address of one ModelAdmin."""
    app, model = label.split(".")
    prefix = f"admin:{app}_{model}"
    users = NOBODY if spec.officer == "refused" else STAFF
    public = spec.kind is None or spec.officer == "reads"
    searchable = spec.officer == "scoped" and bool(_model_admin(label).search_fields)
    kind = spec.kind
    objects: dict[str, Any] = {"kind": kind, "public": public, "users": users, "refused": ADMIN_REFUSED}
    return [
        Route(f"{prefix}_changelist", users=users, refused=ADMIN_REFUSED, search=searchable),
        Route(f"{prefix}_add", users=NOBODY, refused=ADMIN_REFUSED),
        Route(f"{prefix}_history", url=_admin_object_url(app, model, "history/"), **objects),
        Route(f"{prefix}_delete", url=_admin_object_url(app, model, "delete/"), kind=kind, public=public,
              users=NOBODY, refused=ADMIN_REFUSED),
        Route(f"{prefix}_change", url=_admin_object_url(app, model, "change/"), **objects),
        # The bare object address only redirects to its change page, whoever asks.
        Route(f"admin/{app}/{model}/<path:object_id>/", url=_admin_object_url(app, model, ""), kind=kind,
              public=True, queries=q(Query({}, ok=(302,)))),
    ]


def _model_admin(label: str) -> Any:
    return next(a for m, a in admin.site._registry.items() if m._meta.label_lower == label)


# --- leaks whose fix lies in a file this suite's author may not edit: strict xfail, exact cause ---

def _title(view: str, person: str) -> str:
    return (f"entas/enterprises/change_views.py: {view}() puts {person}.full_name in the page title; the row is found "
            "through get_visible_or_404 (scoped by the cooperative's or enterprise's village, for a manager by his "
            "cooperatives) and its person is never narrowed through visible(user, Person), so a member or worker "
            "who now lives in Kupang is named")


def _api_person(viewset: str) -> str:
    return (f"entas/enterprises/api.py: {viewset}.base_queryset (retrieve, through core.api.ScopedReadOnlyViewSet."
            "get_object) scopes the row by the cooperative's or enterprise's village only, so person_name and "
            "person_nik of someone living outside the caller's scope are returned; narrow it with "
            "person__in=enterprises.queries.people(user), as queries.scoped_memberships/scoped_jobs do for the list")


API_OWNER_NIK = ("entas/enterprises/api.py: EnterpriseSerializer.owner_nik (MaskedIdentifier) masks by role only, so "
                 "the full NIK of an owner the caller may not see is returned (a Kupang resident owning a Klaten "
                 "enterprise; for a facilitator, an owner outside her caseload); mask it unless the owner is empty or "
                 "in visible(user, Person) (queries.enterprises annotates the list with `owner_shown`)")
API_SUFFIX = ("entas/graduation/api_interventions.py: the loans and market_access actions are defined as (self, "
              "request, pk) but the router's format-suffix route passes format='json', so "
              "/api/enrolments/<pk>/loans.json and /market-access.json answer 500 (TypeError) for every enrolment "
              "instead of 404 with a scope.denied entry; give both actions a `format: str | None = None` parameter")
ADMIN_OWNER = ("entas/enterprises/admin.py: EnterpriseAdmin.raw_id_fields ['owner', …] renders the owner's "
               "Person.__str__ (full name) beside the id on the change page, not narrowed through visible(): the "
               "Kupang owner of a Klaten enterprise is named")
ADMIN_PEOPLE = ("entas/enterprises/admin.py: MembershipAdmin and JobAdmin show `person` (Person.__str__, the full "
                "name) in list_display and in the raw-id widget of the change page for rows scoped by the "
                "cooperative's or enterprise's village only: a member or worker who lives in Kupang is named to the "
                "Klaten officer")
XFAIL: dict[str, dict[str, str]] = {}


def _table() -> dict[str, Route]:
    routes = [*PAGES, *API_ROUTES, *ADMIN_SITE]
    for area in (routes_programmes, routes_rules, routes_family, routes_monitoring, routes_partners,
                 routes_cooperative, routes_linkage, routes_sharing, routes_field, routes_impact):
        routes += area.ROUTES
    for model in admin.site._registry:
        spec = ADMIN_MODELS.get(model._meta.label_lower)
        if spec is not None:
            routes += admin_routes(model._meta.label_lower, spec)
    table = {r.name: replace(r, xfail={**r.xfail, **XFAIL.get(r.name, {})}) for r in routes}
    assert len(table) == len(routes), "a route is listed twice in ROUTES"
    assert not (unknown := set(XFAIL) - set(table)), f"XFAIL names routes not in ROUTES: {unknown}"
    return table


ROUTES = _table()
