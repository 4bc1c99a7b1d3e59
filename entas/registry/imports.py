"""What the registry's imports offer other apps' import plans (enterprises' files name registry
people by NIK and places by village code): the NIK / No. KK column type and its clean-up, the
village-code type, the column aliases, and the refusal of people outside the importing officer's
region. Other apps import these names from here, never from `importer`, `import_schemas` or
`import_rules`, which stay free to change (a contract in pyproject.toml checks it)."""

from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.staging import Staging
from entas.registry.import_rules import IdentityNumber, VillageCode, clean_identity
from entas.registry.import_schemas import NIK_ALIASES, VILLAGE_ALIASES
from entas.registry.models import Household, Person

__all__ = ["NIK_ALIASES", "VILLAGE_ALIASES", "IdentityNumber", "VillageCode", "clean_identity",
           "mark_people_outside", "outside_reason"]

PERSON_OUTSIDE = Message(gettext_noop("this person is registered outside your region"))
NO_PERSON = Message(gettext_noop("no person with this NIK in the registry"))


def outside_reason(column: str) -> str:
    """The one reason for a NIK of someone the importer may not see. It names nothing of the other
    record (no name, region or household): only that the person is not hers to change."""
    return f"{column}: {PERSON_OUTSIDE()}"


def mark_people_outside(staging: Staging, column: str, scope: str) -> int:
    """Reject rows whose `column` is the NIK of a stored person living outside `scope` (a person
    without a household lives nowhere, so outside too): an import may not change, link to or reveal
    them."""
    person, household = Person._meta.db_table, Household._meta.db_table
    homes = (f"(SELECT p.nik, COALESCE(h.village_id, '') AS village_id FROM {person} AS p "
             f"LEFT JOIN {household} AS h ON h.id = p.household_id)")
    return staging.mark_outside(column, scope, outside_reason(column), via=(homes, "nik", "village_id"))
