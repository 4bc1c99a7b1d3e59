"""The REST API's partner clients under the same agreement as their DCI requests.

An API-client account that belongs to a DCI client (one credential: the OAuth2 access token from
/dci/oauth2/client/token, or an API token of that account) may use the REST API only while its
agreement is in force, and must state a purpose the agreement allows on every request (header
`X-Purpose`, or `?purpose=`; `X-Consent-Ref` where the purpose needs the person's consent). The
REST API returns whole household and person records, so a client whose agreement leaves out some
of those fields is sent to the DCI API, which returns only what the agreement allows.
"""

from contextvars import ContextVar
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.partnerships.models import PURPOSES_NEEDING_CONSENT, SharedField
from entas.registry.models import Person
from entas.sharing.models import Client, Disclosure

# The bound client and its stated purpose for the request being answered (set by AgreementBound).
_bound: ContextVar[tuple[Client, str] | None] = ContextVar("sharing_rest_bound", default=None)
READS = {"household.listed", "person.listed", "household.viewed", "person.viewed"}

# What /api/households/ and /api/people/ return, as agreement field groups.
WHOLE_RECORDS = {"household", "person", "enrolment", "enrolment-visit", "cooperative-membership", "job"}


class AgreementBound(BasePermission):
    message = "This client's data-sharing agreement does not allow this request."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, User) or user.role != Role.API_CLIENT:
            return True
        client = Client.objects.select_related("data_sharing__agreement").filter(user=user).first()
        if client is None:
            return True  # a token-only account of before data-sharing agreements (docs/dci.md)
        terms = client.data_sharing
        if not client.active or not terms.in_force():
            self.message = f"The data-sharing agreement {terms.agreement.number} is not in force (expired, revoked " \
                           "or the client stopped)."
            return False
        purpose = request.headers.get("X-Purpose") or request.query_params.get("purpose", "")
        if purpose not in terms.purposes:
            self.message = (f"State a purpose allowed by agreement {terms.agreement.number} in the X-Purpose header: "
                            f"{', '.join(terms.purposes)}.")
            return False
        if purpose in PURPOSES_NEEDING_CONSENT and not request.headers.get("X-Consent-Ref"):
            self.message = f"The purpose '{purpose}' needs the reference of the person's consent in X-Consent-Ref."
            return False
        if getattr(view, "basename", "") in WHOLE_RECORDS and set(SharedField.values) - set(terms.fields):
            self.message = ("The REST API returns whole records, more than this agreement allows: use the DCI API "
                            "(/dci/registry/sync/search), which returns only the allowed fields.")
            return False
        _bound.set((client, purpose))
        return True


def disclose_rest_read(entry: AuditEntry, actor: User | None) -> None:
    """The registry records a bound client read through the REST API, one Disclosure each, as the
    DCI API writes them (audit.listen: called for every audit entry, so the action comes first)."""
    if entry.action not in READS or actor is None or actor.role != Role.API_CLIENT:
        return
    bound = _bound.get()
    if bound is None or bound[0].user_id != actor.pk:
        return
    client, purpose = bound
    if entry.action.endswith(".viewed"):
        pk = int(entry.object_id)
        households = [pk] if entry.action == "household.viewed" else []
        people = list(Person.objects.filter(household_id=pk).values_list("pk", "household_id")) \
            if households else list(Person.objects.filter(pk=pk).values_list("pk", "household_id"))
    else:
        households = entry.details.get("households", []) if entry.action == "household.listed" else []
        people = list(Person.objects.filter(pk__in=entry.details.get("people", [])).values_list("pk", "household_id"))
    common = {"client": client, "data_sharing": client.data_sharing, "purpose": purpose,
              "audit_entry_id": entry.pk, "transaction_id": "", "at": entry.created_at}
    Disclosure.objects.bulk_create(
        [Disclosure(person_id=None, household_id=h, **common) for h in households]
        + [Disclosure(person_id=p, household_id=h, **common) for p, h in people], batch_size=2000)
