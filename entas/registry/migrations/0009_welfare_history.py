"""A household's welfare per extract (WelfareRecord): one narrow row per household and extract date,
keyed by both, no surrogate id.

On PostgreSQL the table is partitioned by range of `date`, one partition per year, which the import
makes before it writes into it (registry.history.year_partition); a default partition takes any other
date (a row written through the ORM), and the import moves such rows into the year's partition when it
makes it. A BRIN index on the date (a few pages: rows of one extract are written together) finds one
extract's rows. Django's state is the model as declared; SQLite gets a plain table (docs/architecture.md, registry)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState

TABLE = "registry_welfarerecord"
# Widest first: 8-byte columns, then the date, then the 2-byte ones, so no padding between them.
POSTGRESQL = [
    f'CREATE TABLE "{TABLE}" ("household_id" bigint NOT NULL, "per_capita_income" bigint NULL, '
    '"batch_id" bigint NULL, "date" date NOT NULL, "decile" smallint NULL CHECK ("decile" >= 0), '
    '"assets_score" smallint NULL CHECK ("assets_score" >= 0), '
    '"housing_score" smallint NULL CHECK ("housing_score" >= 0), '
    'PRIMARY KEY ("household_id", "date")) PARTITION BY RANGE ("date")',
    f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT',
    f'CREATE INDEX "registry_welfare_date_brin" ON "{TABLE}" USING brin ("date")',
]


class CreatePartitionedOnPostgreSQL(migrations.CreateModel):
    """CreateModel, whose table PostgreSQL gets partitioned (the SQL above) and SQLite as Django makes
    it. The state is the same: the model as declared."""

    def database_forwards(self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState,
                          to_state: ProjectState) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        for statement in POSTGRESQL:
            schema_editor.execute(statement)

    def database_backwards(self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState,
                           to_state: ProjectState) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        schema_editor.execute(f'DROP TABLE "{TABLE}"')  # with its partitions


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0003_batch_language"),
        ("registry", "0008_dci_covering_indexes"),
    ]

    operations = [
        CreatePartitionedOnPostgreSQL(
            name="WelfareRecord",
            fields=[
                ("pk", models.CompositePrimaryKey("household", "date", blank=True, editable=False,
                                                  primary_key=True, serialize=False)),
                ("date", models.DateField(verbose_name="extract date")),
                ("decile", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="decile")),
                ("per_capita_income", models.BigIntegerField(
                    blank=True, null=True, verbose_name="income per person per month (Rp)")),
                ("assets_score", models.PositiveSmallIntegerField(blank=True, null=True,
                                                                  verbose_name="assets score")),
                ("housing_score", models.PositiveSmallIntegerField(blank=True, null=True,
                                                                   verbose_name="housing score")),
                ("batch", models.ForeignKey(
                    blank=True, db_constraint=False, db_index=False, null=True,
                    on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="ingest.importbatch",
                    verbose_name="last changed by import")),
                ("household", models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                    related_name="welfare_history", to="registry.household", verbose_name="household")),
            ],
            options={
                "verbose_name": "welfare record",
                "verbose_name_plural": "welfare history",
                "ordering": ["household", "-date"],
            },
        ),
    ]
