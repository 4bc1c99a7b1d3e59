"""The REST surface, assembled from each app's api.py."""

from collections.abc import Iterable

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from entas.accounts.api import AgencyViewSet, AuditEntryViewSet, UserViewSet
from entas.core.api import ID_PATTERN, NOT_AN_ID, NotAnId, NumericIds
from entas.enterprises.api import (
    CooperativeViewSet,
    EnterpriseViewSet,
    GroupViewSet,
    JobViewSet,
    MembershipViewSet,
)
from entas.graduation.api import EnrolmentViewSet, VisitViewSet
from entas.graduation.api_interventions import (
    CooperativeMembershipViewSet,
    JobPlacementViewSet,
    LoanViewSet,
    MarketAccessViewSet,
)
from entas.graduation.api_permanence import ProgrammePermanence
from entas.graduation.api_training import TrainingSessionViewSet
from entas.graduation.api_warnings import ProgrammeAtRisk
from entas.impact.api import ImpactAnalysisDetail, ProgrammeImpact
from entas.linkage.api import LinkCandidateViewSet, LinkJobViewSet, LinkViewSet
from entas.monitoring.api import IndicatorViewSet, RollupViewSet, TargetViewSet
from entas.partnerships.api import AgreementViewSet, PartnerViewSet
from entas.programmes.api import ProgrammeViewSet
from entas.programmes.api_priority import PriorityListViewSet, PriorityRankingViewSet
from entas.regions.api import RegionViewSet
from entas.registry.api import HouseholdViewSet, PersonViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("users", UserViewSet, basename="user")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("households", HouseholdViewSet, basename="household")
router.register("people", PersonViewSet, basename="person")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("cooperatives", CooperativeViewSet, basename="cooperative")
router.register("cooperative-memberships", MembershipViewSet, basename="cooperative-membership")
router.register("jobs", JobViewSet, basename="job")
router.register("groups", GroupViewSet, basename="group")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
# What is recorded for one family lives under its enrolment, one viewset per resource.
ENROLMENT = rf"enrolments/(?P<enrolment_pk>{ID_PATTERN})"
router.register(f"{ENROLMENT}/visits", VisitViewSet, basename="enrolment-visit")
router.register(f"{ENROLMENT}/loans", LoanViewSet, basename="enrolment-loan")
router.register(f"{ENROLMENT}/market-access", MarketAccessViewSet, basename="enrolment-market-access")
router.register(f"{ENROLMENT}/cooperative-memberships", CooperativeMembershipViewSet,
                basename="enrolment-cooperative-membership")
router.register(f"{ENROLMENT}/jobs", JobPlacementViewSet, basename="enrolment-job")
router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
router.register("priority-ranking", PriorityRankingViewSet, basename="priority-ranking")
router.register("priority-lists", PriorityListViewSet, basename="priority-list")
router.register("partners", PartnerViewSet, basename="partner")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("rollups", RollupViewSet, basename="rollup")
router.register("link-jobs", LinkJobViewSet, basename="link-job")
router.register("link-candidates", LinkCandidateViewSet, basename="link-candidate")
router.register("links", LinkViewSet, basename="link")


def _numeric(prefixes: Iterable[str]) -> str:
    return "|".join(sorted(prefixes, key=len, reverse=True))


# Where the router found no route because the id is not a number: 400 naming it, not a 404.
NUMERIC = [prefix for prefix, viewset, _ in router.registry if issubclass(viewset, NumericIds)]
TOP = _numeric(p for p in NUMERIC if not p.startswith(ENROLMENT))
NESTED = _numeric(p.removeprefix(ENROLMENT + "/") for p, _, _ in router.registry if p.startswith(ENROLMENT))
NESTED_IDS = _numeric(p.removeprefix(ENROLMENT + "/") for p in NUMERIC if p.startswith(ENROLMENT))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),  # CSP: no inline script
    re_path(rf"^programmes/(?P<id>{ID_PATTERN})/permanence/$", ProgrammePermanence.as_view(),
            name="programme-permanence"),
    re_path(rf"^programmes/(?P<id>{ID_PATTERN})/at-risk/$", ProgrammeAtRisk.as_view(), name="programme-at-risk"),
    re_path(rf"^programmes/(?P<id>{ID_PATTERN})/impact/$", ProgrammeImpact.as_view(), name="programme-impact"),
    re_path(rf"^impact-analyses/(?P<id>{ID_PATTERN})/$", ImpactAnalysisDetail.as_view(), name="impact-analysis"),
    path("", include(router.urls)),
    re_path(rf"^{ENROLMENT}/(?:{NESTED_IDS})/{NOT_AN_ID}", NotAnId.as_view(), name="api-not-an-id"),
    re_path(rf"^enrolments/{NOT_AN_ID}/(?:{NESTED})/", NotAnId.as_view(), {"part": "enrolment"},
            name="api-not-an-enrolment"),
    re_path(rf"^(?:{TOP})/{NOT_AN_ID}", NotAnId.as_view(), name="api-not-an-id-top"),
]
