"""The open membership moves onto the person (member_since); HouseholdMembership keeps the
periods that ended. A national load then writes one row per person instead of two."""

from django.db import migrations, models

MOVE_OPEN_PERIODS = """
UPDATE registry_person SET member_since = (
    SELECT m.start_date FROM registry_householdmembership AS m
    WHERE m.person_id = registry_person.id AND m.end_date IS NULL
)
WHERE id IN (SELECT person_id FROM registry_householdmembership WHERE end_date IS NULL)
"""
REOPEN_PERIODS = """
INSERT INTO registry_householdmembership (person_id, household_id, relationship, start_date, end_date, batch_id)
SELECT id, household_id, relationship, COALESCE(member_since, CURRENT_DATE), NULL, batch_id
FROM registry_person WHERE household_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_village_checked_by_import")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="member_since",
            field=models.DateField(blank=True, null=True, verbose_name="member since"),
        ),
        migrations.RunSQL(MOVE_OPEN_PERIODS, migrations.RunSQL.noop),
        migrations.RunSQL("DELETE FROM registry_householdmembership WHERE end_date IS NULL", REOPEN_PERIODS),
        migrations.RemoveConstraint(model_name="householdmembership", name="registry_membership_one_open"),
        migrations.AlterField(
            model_name="householdmembership",
            name="start_date",
            field=models.DateField(blank=True, null=True, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="householdmembership",
            name="end_date",
            field=models.DateField(verbose_name="until"),
        ),
    ]
