"""Scope probes of the record-linkage routes (issue 16), and the linkage things of the world they
probe. See routes.py for the vocabulary.

Only the roles that link (`linkage.services.may_link`: national administrators, regional officers,
analysts) use these routes: of the probing roles, the Klaten officer; the others are refused. A
pair or a link is hers only when both its record and its person lie in Klaten: a pair of a Klaten
record whose best candidate lives in Kupang goes to the national queue, and she learns only that
it exists (a count), never whom it names.
"""

from typing import Any

from entas.linkage.models import AgencyRecord, AgencyUpload, Link, LinkCandidate, LinkJob
from tests.security.probes import Post, Query, Route, q
from tests.security.world import NOBODY, OFFICER, World

LINKS = frozenset({OFFICER})
HTMX = {"HX-Request": "true"}
NO_TOKEN = "0123456789abcdef0123456789abcdef.csv"


def build(w: World) -> None:
    """An agency file of each regency with a job, its pairs and links; a pair that crosses the border."""
    n = w.named
    klaten_file = AgencyUpload.objects.create(name="Berkas mitra Klaten", file_name="mitra-klaten.csv", rows=2,
                                              region="33.10", uploaded_by=n["officer"])
    kupang_file = AgencyUpload.objects.create(name="RAHASIA-KUPANG-BERKAS-MITRA", file_name="rahasia-kupang.csv",
                                              rows=1, region="53.01", uploaded_by=n["kupang_officer"])
    w.add("agency_file", klaten_file, LINKS)
    w.add("agency_file", kupang_file, NOBODY, "RAHASIA-KUPANG-BERKAS-MITRA", "rahasia-kupang.csv")
    n.update(klaten_file=klaten_file, kupang_file=kupang_file)
    jobs = {}
    for key, upload, scope, seen_by in (("klaten", klaten_file, "33.10", LINKS), ("kupang", kupang_file, "53.01",
                                                                                 NOBODY)):
        jobs[key] = LinkJob.objects.create(source="agency_file", upload=upload, scope=scope, status="done", upper=0.95,
                                           lower=0.3, margin=2.0, started_by=n["officer" if key == "klaten"
                                                                               else "kupang_officer"], review=1)
        w.add("link_job", jobs[key], seen_by)
    weights = {"nik": -4.5, "name": 7.9, "birth_date": 8.5, "sex": 1.0, "place": 1.2}
    pairs = (
        # record in Klaten, person in Klaten: the officer's
        ("klaten", "33.10.01.2001", n["neighbour"], "Bu TETANGGA", LINKS, ()),
        # record in Klaten, person in Kupang: the national queue's; the officer sees a count
        ("klaten", "33.10.01.2002", n["kupang_head"], "RAHASIA-KUPANG-LINTAS", NOBODY, ("RAHASIA-KUPANG-LINTAS",)),
        # both in Kupang
        ("kupang", "53.01.04.2003", n["kupang_child"], "RAHASIA-KUPANG-PASANGAN", NOBODY, ("RAHASIA-KUPANG-PASANGAN",)),
    )
    for i, (key, region, person, name, seen_by, secrets) in enumerate(pairs, start=1):
        upload = klaten_file if key == "klaten" else kupang_file
        record = AgencyRecord.objects.create(upload=upload, row=i + 1, record_key=f"R{i}", name=name, region=region,
                                             village_code=region)
        village = person.household.village_id
        pair = LinkCandidate.objects.create(
            job=jobs[key], source="agency_file", record_id=str(record.pk), person=person, probability=0.8,
            match_weight=2.0, weights=weights, given={"name": name, "village_code": region}, band="review",
            ask_order=1, record_region=region, person_region=village)
        w.add("link_pair", pair, seen_by, *secrets)
        record = AgencyRecord.objects.create(upload=upload, row=i + 10, record_key=f"L{i}", name=f"{name}-TAUT",
                                             region=region, village_code=region, person=person, link_method="model")
        link = Link.objects.create(source="agency_file", record_id=str(record.pk), person=person, method="model",
                                   probability=0.99, job=jobs[key], given={"name": f"{name}-TAUT"},
                                   record_region=region, person_region=village)
        w.add("link", link, seen_by, *(f"{s}-TAUT" for s in secrets))
    n.update(crossing_pair=w.things["link_pair"][1].obj)


def start_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"source": "agency_file", "upload": w.named["kupang_file"].pk, "upper": 0.95, "lower": 0.3}]


def crossing(w: World) -> dict[str, Any]:
    return {"pair": w.named["crossing_pair"].pk}


def body(**data: Any) -> Any:
    return lambda w, role: [data]


def api(name: str, **kwargs: Any) -> Route:
    return Route(name, api=True, users=LINKS, **kwargs)


ROUTES: list[Route] = [
    # Starting a job on another regency's file: the form refuses the file (200, nothing written).
    Route("linkage:index", users=LINKS, posts=(Post("hidden-file", start_hidden, ok=(200,)),)),
    Route("linkage:job", kind="link_job", users=LINKS, queries=q({}, Query({}, headers=HTMX))),
    Route("linkage:upload", users=LINKS, posts=(Post("no-file", body(title="Uji"), ok=(200,)),)),
    # The second step of an upload exists only for the session that uploaded the file.
    Route("linkage:map", users=LINKS, url=lambda thing: f"/linkage/upload/{NO_TOKEN}/",
          queries=q(Query({}, ok=(404,)))),
    Route("linkage:file", kind="agency_file", users=LINKS),
    # Her queue, and the address of a pair crossing into Kupang (404).
    Route("linkage:review", users=LINKS, queries=q({}, Query(crossing, ok=(404,)))),
    Route("linkage:review_national", users=NOBODY),  # national roles only, none among the probing roles
    Route("linkage:decide", kind="link_pair", users=LINKS, get=False,
          posts=(Post("outside", body(decision="accepted"), "outside"),)),
    Route("linkage:links", users=LINKS, queries=q({}, {"method": "model"}, {"source": "agency_file"})),
    Route("linkage:undo", kind="link", users=LINKS, get=False, posts=(Post("outside", body(), "outside"),)),
    api("link-job-list", listing="link_job", posts=(Post("hidden-file", start_hidden),)),
    api("link-job-detail", kind="link_job"),
    api("link-job-candidates", kind="link_job"),
    api("link-candidate-list", listing="link_pair", queries=q({}, Query({"queue": "national"}, ok=(403,)))),
    api("link-candidate-detail", kind="link_pair"),
    api("link-candidate-decision", kind="link_pair", get=False,
        posts=(Post("outside", body(decision="accepted"), "outside"),)),
    api("link-list", listing="link", queries=q({}, {"method": "model"}, {"current": "false"})),
    api("link-detail", kind="link"),
    api("link-undo", kind="link", get=False, posts=(Post("outside", body(), "outside"),)),
]
