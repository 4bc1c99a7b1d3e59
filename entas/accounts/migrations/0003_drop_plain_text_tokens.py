"""DRF's authtoken stored API keys in plain text; tokens are now accounts.ApiToken (SHA-256 digests).
The old table is dropped: its keys no longer authenticate, and kept they would stay readable."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens_login_failures")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop)]
