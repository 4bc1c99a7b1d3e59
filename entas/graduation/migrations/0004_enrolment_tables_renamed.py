"""The tables that came from `programmes` take this app's names (`programmes_enrolment` →
`graduation_enrolment`, the training sessions' attendance table with them), rows kept: a rename on
both databases, which also carries the foreign keys of the tables that refer to them. On
PostgreSQL the id sequences are renamed with their tables (Django renames only the table); index
and constraint names keep their `programmes_` prefix: identifiers only, and renaming them would
rebuild indexes (and, on SQLite, whole tables). The content types of the moved models are
relabelled, so anything that refers to them (permissions) follows the models."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

MOVED = ["enrolment", "caseloadassignment", "visit", "assessment", "loan", "marketaccess", "trainingsession"]
TABLES = [*MOVED, "trainingsession_attendees"]


def relabel(source: str, target: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        found = content_type.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            if not found.filter(app_label=target, model=model).exists():
                found.filter(app_label=source, model=model).update(app_label=target)
    return run


def sequences(prefix: str) -> Callable[[Any, Any], None]:
    """Name the id sequence of each moved table `<prefix>_<table>_id_seq`, PostgreSQL only (run while
    the tables are graduation_*: after the renames forwards, before they are undone backwards)."""
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for name in TABLES:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f"graduation_{name}"])
                found = cursor.fetchone()[0]
                wanted = f"{prefix}_{name}_id_seq"
                if found and found.rsplit(".", 1)[-1].strip('"') != wanted:
                    cursor.execute(f"ALTER SEQUENCE {found} RENAME TO {quote(wanted)}")
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('graduation', '0003_enrolment_moved_here'),
        ('programmes', '0003_enrolment_moved_to_graduation'),
    ]

    operations = [
        *(migrations.AlterModelTable(name=name, table=None) for name in MOVED),
        migrations.RunPython(sequences("graduation"), sequences("programmes")),
        migrations.RunPython(relabel("programmes", "graduation"), relabel("graduation", "programmes")),
    ]
