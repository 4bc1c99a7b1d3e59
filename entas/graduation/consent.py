"""A family's consent to be contacted by a cooperative of its village (the pilot in which assistance
recipients become cooperative members). Recorded on the enrolment by the family's facilitator or a
supervisor of its region; only while it holds does the cooperative's manager see the family's name,
village and phone among his candidates (graduation.cooperative_queries), and a withdrawal takes it
off that list at once."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.graduation.models import OPEN_STATUSES, Enrolment
from entas.graduation.queries import enrolments_for, may_change

# Spaces, dashes, dots and brackets are how people write numbers down, not part of them.
SEPARATORS = re.compile(r"[\s\-.()]")
# 0 then an area or mobile prefix (not 0), or +62 / 62 instead of the 0: 8 to 13 digits in all.
INDONESIAN = re.compile(r"(?:0|\+62|62)[1-9]\d{6,11}")


def phone_number(value: str) -> str:
    """The number without separators, as the family gave it (08… or +62…); refused naming `phone`."""
    number = SEPARATORS.sub("", value or "")
    if not INDONESIAN.fullmatch(number):
        raise ValidationError({"phone": _("'%(phone)s' is not an Indonesian phone number: write it as 08… or "
                                          "+62…, e.g. 081234567890.") % {"phone": value}})
    return "+" + number if number.startswith("62") else number


def _may_record(actor: User | None, enrolment: Enrolment) -> None:
    if actor is None:
        return  # the system (the demo, a command)
    if not may_change(actor):
        raise ValidationError({"enrolment": _("Only the family's facilitator or an officer of its region may "
                                              "record its consent.")})
    if not enrolments_for(actor).filter(pk=enrolment.pk).exists():
        raise ValidationError({"enrolment": _("This family is not in your caseload or region.")})


@transaction.atomic
def record_contact_consent(actor: User | None, enrolment: Enrolment, *, consent: bool, phone: str = "",
                           on: date | None = None) -> Enrolment:
    """Record that the family agrees (consent=True, with the phone a cooperative may call, if any)
    or no longer agrees to be contacted by a cooperative. A withdrawal forgets the phone."""
    _may_record(actor, enrolment)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    day = on or timezone.localdate()
    happened("on", day)
    if day < enrolment.enrolled_on:
        raise ValidationError({"on": _("%(day)s is before the family was enrolled (%(enrolled)s).")
                               % {"day": numbers.day(day), "enrolled": numbers.day(enrolment.enrolled_on)}})
    if consent:
        if enrolment.status not in OPEN_STATUSES:
            raise ValidationError({"consent": _("The enrolment is %(status)s: only a family still in the "
                                                "programme can be put in touch with a cooperative.")
                                   % {"status": enrolment.get_status_display()}})
        number = phone_number(phone) if phone.strip() else ""
        enrolment.contact_consent, enrolment.contact_consent_on, enrolment.contact_phone = True, day, number
    else:
        enrolment.contact_consent, enrolment.contact_consent_on, enrolment.contact_phone = False, None, ""
    enrolment.save(update_fields=["contact_consent", "contact_consent_on", "contact_phone"])
    # The phone itself stays out of the audit log, which officers of the region read.
    audit.record_change(actor, audit.Action.ENROLMENT_CONSENT_RECORDED, enrolment, details={
        "consent": consent, "on": day.isoformat(), "phone_given": bool(enrolment.contact_phone)})
    return enrolment
