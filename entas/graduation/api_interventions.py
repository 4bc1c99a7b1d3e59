"""Writes on an enrolment for what the programme does for a family: loans (apply, then move along
applied → approved → disbursed → repaid/defaulted), market access, cooperative membership and job
placement (recorded in entas.enterprises by its services). Every route first finds the enrolment
inside the caller's scope or caseload (404 otherwise, logged), then checks the role (403 for
readers), then calls one service function; a refusal answers 400 naming the field. The lists of
an enrolment's loans and market access are paginated like every list."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.core.api import ID_PATTERN, BoundedModelSerializer, bounded_integer
from entas.enterprises import services as enterprises
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from entas.programmes import api as programmes_api
from entas.programmes import services as programmes
from entas.programmes.models import Channel, Enrolment, Loan, LoanStatus, MarketAccess, Scheme
from entas.programmes.queries import may_change, near_family
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


class MarketAccessSerializer(serializers.ModelSerializer[MarketAccess]):
    on = serializers.DateField(write_only=True)

    class Meta:
        model = MarketAccess
        fields = ["id", "enrolment", "channel", "sales_value", "date", "on"]
        read_only_fields = ["id", "enrolment", "date"]
        extra_kwargs = {"channel": {"choices": Channel.choices}, "sales_value": {"min_value": None}}


class FamilyMembershipSerializer(BoundedModelSerializer[Membership]):
    class Meta:
        model = Membership
        fields = ["id", "cooperative", "person", "joined", "left", "share_principal"]
        read_only_fields = ["id", "left"]
        validators: list[Any] = []  # the enterprises service decides, with its own message
        extra_kwargs = {"cooperative": {"queryset": Cooperative.objects.all()},
                        "person": {"queryset": Person.objects.all()}}


class PlacementSerializer(BoundedModelSerializer[Job]):
    class Meta:
        model = Job
        fields = ["id", "enterprise", "person", "position", "start", "end"]
        read_only_fields = ["id", "end"]
        validators: list[Any] = []
        extra_kwargs = {"enterprise": {"queryset": Enterprise.objects.all()},
                        "person": {"queryset": Person.objects.all()}}


class InterventionViewSet(programmes_api.EnrolmentViewSet):
    """Enrolments: read, plus the intervention writes for those who may change them."""

    def _writable(self) -> Enrolment:
        enrolment = self.get_object()  # 404 outside the scope or caseload, logged
        if not may_change(self.request.user):
            raise PermissionDenied("your role may read enrolments but not change them")
        return enrolment

    def _page(self, rows: QuerySet[Any], serializer: type[serializers.BaseSerializer[Any]]) -> Response:
        """One page of an enrolment's loans or market access, paginated like every list."""
        view: Any = self  # the viewset's pagination is typed for enrolments
        return view.get_paginated_response(serializer(view.paginate_queryset(rows), many=True).data)

    def _member(self, enrolment: Enrolment, person: Person) -> Person:
        if person.household_id != enrolment.household_id:
            raise ApiValidationError({"person": [f"person {person.pk} is not a member of this household"]})
        return person

    def _nearby(self, enrolment: Enrolment, queryset: Any, field: str, pk: int) -> Any:
        """A cooperative or enterprise in the family's district and inside the caller's region."""
        found = near_family(self.request.user, enrolment, queryset).filter(pk=pk).first()
        if found is None:
            raise ApiValidationError({field: [f"no {field} {pk} in the family's district {enrolment.village_id[:8]} "
                                              f"inside your region"]})
        return found

    @extend_schema(methods=["GET"], responses=LoanSerializer(many=True))
    @extend_schema(methods=["POST"], request=NewLoanSerializer, responses={201: LoanSerializer})
    @action(detail=True, methods=["get", "post"])
    def loans(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        if request.method == "GET":
            enrolment = self.get_object()
            return self._page(enrolment.loans.order_by("applied_on", "id"), LoanSerializer)
        enrolment = self._writable()
        incoming = NewLoanSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        loan = programmes.record_loan(request.user, enrolment, **incoming.validated_data)
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LoanStatusSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path=rf"loans/(?P<loan_id>{ID_PATTERN})/status")
    def loan_status(self, request: Request, pk: str | None = None, loan_id: str | None = None,
                    **kwargs: Any) -> Response:
        enrolment = self._writable()
        loan = enrolment.loans.filter(pk=int(loan_id or 0)).first()
        if loan is None:
            raise Http404
        incoming = LoanStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        programmes.set_loan_status(request.user, loan, data["status"], on=data["on"])
        return Response(LoanSerializer(loan).data)

    @extend_schema(methods=["GET"], responses=MarketAccessSerializer(many=True))
    @extend_schema(methods=["POST"], request=MarketAccessSerializer, responses={201: MarketAccessSerializer})
    @action(detail=True, methods=["get", "post"], url_path="market-access")
    def market_access(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        if request.method == "GET":
            enrolment = self.get_object()
            return self._page(enrolment.market_access.order_by("date", "id"), MarketAccessSerializer)
        enrolment = self._writable()
        incoming = MarketAccessSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        access = programmes.record_market_access(request.user, enrolment, channel=data["channel"],
                                                 sales_value=data["sales_value"], on=data["on"])
        return Response(MarketAccessSerializer(access).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FamilyMembershipSerializer, responses={201: FamilyMembershipSerializer})
    @action(detail=True, methods=["post"], url_path="cooperative-memberships")
    def cooperative_memberships(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = self._writable()
        incoming = FamilyMembershipSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        person = self._member(enrolment, data["person"])
        cooperative = self._nearby(enrolment, Cooperative.objects.all(), "cooperative", data["cooperative"].pk)
        membership = enterprises.join_cooperative(request.user, cooperative, person, joined=data["joined"],
                                                  share_principal=data.get("share_principal", 0))
        return Response(FamilyMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlacementSerializer, responses={201: PlacementSerializer})
    @action(detail=True, methods=["post"])
    def jobs(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = self._writable()
        incoming = PlacementSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        person = self._member(enrolment, data["person"])
        employer = self._nearby(enrolment, Enterprise.objects.all(), "enterprise", data["enterprise"].pk)
        job = enterprises.record_job(request.user, employer, person, start=data["start"],
                                     position=data.get("position", ""))
        return Response(PlacementSerializer(job).data, status=status.HTTP_201_CREATED)
