"""NIB, owner NIK, village and KBLI codes are codes, not words: on PostgreSQL compare them byte-wise
(COLLATE "C"), as registry/0004 does for NIK and No. KK. Equality is the same; the index builds of a
national load are a third cheaper, and a region prefix (LIKE '33.10.%') can use the village index.
SQLite compares bytes already."""

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COLUMNS = [("nib", 13), ("owner_nik", 16), ("village_id", 13), ("kbli_code", 5), ("kbli_version", 4),
           ("kbli_section", 1)]


def collated(collation: str) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def alter(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            changes = ", ".join(f'ALTER COLUMN {column} TYPE varchar({length}) COLLATE "{collation}"'
                                for column, length in COLUMNS)
            schema_editor.execute(f"ALTER TABLE enterprises_enterprise {changes}")

    return alter


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_village_checked_by_import")]

    operations = [migrations.RunPython(collated("C"), collated("default"))]
