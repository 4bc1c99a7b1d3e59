"""Enrolment and what is recorded for an enrolled family now belong to `graduation`
(graduation/0003 took them into its state, with the same tables): drop them from programmes'
state only. The tables and their rows stay; graduation/0004 renames them."""

from django.db import migrations

MOVED = ["TrainingSession", "Assessment", "Visit", "Loan", "MarketAccess", "CaseloadAssignment", "Enrolment"]


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0002_priority_list_level'),
        # The pathway's foreign keys point at graduation.Enrolment before programmes.Enrolment goes.
        ('graduation', '0003_enrolment_moved_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
