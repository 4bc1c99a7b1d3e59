"""What the programme does for a family, for API clients, one viewset per resource under
`/api/enrolments/<enrolment_pk>/`: loans (apply, list, then move along applied → approved →
disbursed → repaid/defaulted), market access (record, list), cooperative membership and job
placement (recorded in entas.enterprises by its services). Each finds the enrolment first (404
outside the caller's scope or caseload, logged), then refuses read-only roles a change (403), then
calls one service function (`OfEnrolment`, api.py); a refusal answers 400 naming the field.
Cooperative and employer must lie in the family's district inside the caller's region, the person
in the household."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.accounts.models import User
from entas.core.actors import acting_user
from entas.core.api import BoundedModelSerializer, NumericIds, bounded_integer
from entas.enterprises import services as enterprises
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from entas.graduation import services
from entas.graduation.api import OfEnrolment
from entas.graduation.models import Channel, Enrolment, Loan, LoanStatus, MarketAccess, Scheme
from entas.graduation.queries import near_family
from entas.registry.models import Person


class LoanSerializer(serializers.ModelSerializer[Loan]):
    class Meta:
        model = Loan
        fields = ["id", "enrolment", "scheme", "lender", "amount", "applied_on", "status", "status_on"]


class NewLoanSerializer(serializers.Serializer[Any]):
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    lender = serializers.CharField(max_length=200)
    amount = bounded_integer(Loan, "amount", help_text="rupiah, 0 or more")
    on = serializers.DateField(help_text="date of the application")


class LoanStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=LoanStatus.choices)
    on = serializers.DateField()


class LoanViewSet(NumericIds, OfEnrolment):
    """`/api/enrolments/<enrolment_pk>/loans/`: the family's loans; `<id>/status/` moves one along."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.all()  # the model, for the schema; the rows come from the enrolment

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.enrolment()
        return self.page(enrolment, enrolment.loans.order_by("applied_on", "id"))

    @extend_schema(request=NewLoanSerializer, responses={201: LoanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        incoming = NewLoanSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        loan = services.record_loan(acting_user(request), enrolment, **incoming.validated_data)
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LoanStatusSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        loan = enrolment.loans.filter(pk=int(self.kwargs["pk"])).first()
        if loan is None:
            raise Http404
        incoming = LoanStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.set_loan_status(acting_user(request), loan, data["status"], on=data["on"])
        return Response(LoanSerializer(loan).data)


class MarketAccessSerializer(serializers.ModelSerializer[MarketAccess]):
    on = serializers.DateField(write_only=True)

    class Meta:
        model = MarketAccess
        fields = ["id", "enrolment", "channel", "sales_value", "date", "on"]
        read_only_fields = ["id", "enrolment", "date"]
        extra_kwargs = {"channel": {"choices": Channel.choices}, "sales_value": {"min_value": None}}


class MarketAccessViewSet(OfEnrolment):
    """`/api/enrolments/<enrolment_pk>/market-access/`: sales the family made through a channel."""

    serializer_class = MarketAccessSerializer
    queryset = MarketAccess.objects.all()  # the model, for the schema; the rows come from the enrolment

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.enrolment()
        return self.page(enrolment, enrolment.market_access.order_by("date", "id"))

    @extend_schema(request=MarketAccessSerializer, responses={201: MarketAccessSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        incoming = MarketAccessSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        access = services.record_market_access(acting_user(request), enrolment, channel=data["channel"],
                                               sales_value=data["sales_value"], on=data["on"])
        return Response(MarketAccessSerializer(access).data, status=status.HTTP_201_CREATED)


def _member(enrolment: Enrolment, person: Person) -> Person:
    if person.household_id != enrolment.household_id:
        raise ApiValidationError({"person": [_("Person %(id)s is not a member of this household.")
                                             % {"id": person.pk}]})
    return person


def _nearby(user: User | None, enrolment: Enrolment, queryset: QuerySet[Any], field: str, pk: int) -> Any:
    """A cooperative or enterprise in the family's district and inside the caller's region."""
    found = near_family(user, enrolment, queryset).filter(pk=pk).first()
    if found is None:
        missing = (_("There is no cooperative %(id)s in the family's district %(district)s inside your region.")
                   if field == "cooperative" else
                   _("There is no enterprise %(id)s in the family's district %(district)s inside your region."))
        raise ApiValidationError({field: [missing % {"id": pk, "district": enrolment.village_id[:8]}]})
    return found


class FamilyMembershipSerializer(BoundedModelSerializer[Membership]):
    class Meta:
        model = Membership
        fields = ["id", "cooperative", "person", "joined", "left", "share_principal"]
        read_only_fields = ["id", "left"]
        validators: list[Any] = []  # the enterprises service decides, with its own message
        extra_kwargs = {"cooperative": {"queryset": Cooperative.objects.all()},
                        "person": {"queryset": Person.objects.all()}}


class CooperativeMembershipViewSet(OfEnrolment):
    """`/api/enrolments/<enrolment_pk>/cooperative-memberships/`: a household member joins a
    cooperative of the family's district."""

    serializer_class = FamilyMembershipSerializer

    @extend_schema(request=FamilyMembershipSerializer, responses={201: FamilyMembershipSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        incoming = FamilyMembershipSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        person, user = _member(enrolment, data["person"]), acting_user(request)
        cooperative = _nearby(user, enrolment, Cooperative.objects.all(), "cooperative", data["cooperative"].pk)
        membership = enterprises.join_cooperative(user, cooperative, person, joined=data["joined"],
                                                  share_principal=data.get("share_principal", 0))
        return Response(FamilyMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class PlacementSerializer(BoundedModelSerializer[Job]):
    class Meta:
        model = Job
        fields = ["id", "enterprise", "person", "position", "start", "end"]
        read_only_fields = ["id", "end"]
        validators: list[Any] = []
        extra_kwargs = {"enterprise": {"queryset": Enterprise.objects.all()},
                        "person": {"queryset": Person.objects.all()}}


class JobPlacementViewSet(OfEnrolment):
    """`/api/enrolments/<enrolment_pk>/jobs/`: a household member starts work at an enterprise of the
    family's district."""

    serializer_class = PlacementSerializer

    @extend_schema(request=PlacementSerializer, responses={201: PlacementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        incoming = PlacementSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        person, user = _member(enrolment, data["person"]), acting_user(request)
        employer = _nearby(user, enrolment, Enterprise.objects.all(), "enterprise", data["enterprise"].pk)
        job = enterprises.record_job(user, employer, person, start=data["start"],
                                     position=data.get("position", ""))
        return Response(PlacementSerializer(job).data, status=status.HTTP_201_CREATED)
