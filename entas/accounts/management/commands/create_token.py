"""`entas create-token USERNAME [--name N] [--days D]`: a new API token, printed once."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from entas.accounts import tokens
from entas.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it (only once: Entas keeps only its SHA-256 digest). "
        "Example: entas create-token mitra-bps --name 'dasbor BPS' --days 30"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what will use the token (default: cli)")
        parser.add_argument("--days", type=int, help="lifetime in days (default: API_TOKEN_LIFETIME_DAYS, 90)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user '{options['username']}' (create one with `entas create-user`)")
        try:
            issued, token = tokens.issue_token(None, user, name=options["name"], lifetime_days=options["days"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stderr.write(f"Token '{issued.name}' for {user.username}, valid until "
                          f"{issued.expires_at:%Y-%m-%d %H:%M %Z}. Copy it now: it is not shown again.")
        self.stdout.write(token)
