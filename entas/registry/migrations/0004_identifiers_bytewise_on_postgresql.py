"""NIK and No. KK are digits: on PostgreSQL compare them byte-wise (COLLATE "C"), not by the
database's language collation. Equality is the same; sorting them for an index build or a merge is
several times cheaper (abbreviated keys need the C collation). SQLite compares bytes already."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COLUMNS = [("registry_person", "nik", 16), ("registry_household", "kk_number", 16)]


def bytewise(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table, column, length in COLUMNS:
            schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"')


def by_default_collation(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table, column, length in COLUMNS:
            schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_drop_person_name_index")]

    operations = [migrations.RunPython(bytewise, by_default_collation)]
