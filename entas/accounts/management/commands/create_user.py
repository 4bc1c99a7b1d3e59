import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from entas.accounts import services
from entas.accounts.models import Agency
from entas.accounts.roles import Role


class Command(BaseCommand):
    help = (
        "Create a user. Example: "
        "entas create-user dewi --role regional_officer --agency pemkab-klaten --region 33.10"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", help="agency code (see the admin or /api/agencies/)")
        parser.add_argument("--region", help="region scope code (province, regency or district); empty = whole country")
        parser.add_argument("--password", help="if absent, asked for on the terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"--agency: no agency with code '{options['agency']}'")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = services.create_user(
                None, username=options["username"], password=password, role=options["role"],
                agency=agency, region_code=options["region"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()})."))
