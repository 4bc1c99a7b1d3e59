"""`entas`: one command for everything an operator does. Each subcommand wraps a Django
management command, so `entas SUBCOMMAND --help` shows that command's own options."""

import os
import sys

# (subcommand, management command, one line for the overview)
COMMANDS = [
    ("demo", "demo", "migrate, load regions, create demo agencies and users; print the logins"),
    ("serve", "serve", "start the web server on http://127.0.0.1:8000"),
    ("load-regions", "load_regions", "load the Kemendagri provinces, regencies, districts, villages"),
    ("synth", "synth", "write synthetic households and people as CSV (for demos and tests)"),
    ("synth-kumkm", "synth_kumkm", "write synthetic enterprises and cooperatives for the demo households (--load)"),
    ("import", "import_data", "import a registry (or, later, KUMKM) file: CSV or XLSX, with a rejects file"),
    ("cleanup-imports", "cleanup_imports", "fail imports left running by a dead process; delete old uploads"),
    ("deliver-events", "deliver_events", "hand pending domain events to their subscribers (rollups, ...)"),
    ("dci-retry", "dci_retry", "send again the DCI answers and notifications whose callback failed"),
    ("migrate", "migrate", "create or update the database tables"),
    ("create-user", "create_user", "create a user with a role, an agency and a region scope"),
    ("create-token", "create_token", "create an API token for a user and print it once (--name, --days)"),
    ("refresh-rollups", "refresh_rollups", "recompute indicator numbers per village (--indicator, --village)"),
    ("enrol", "enrol", "enrol the eligible households of some regions in a programme (set-based)"),
    ("evaluate-graduation", "evaluate_graduation", "check a programme's families against its graduation rules"),
    ("rebuild-tallies", "rebuild_tallies", "recount the programme tallies behind the programme pages"),
    ("programme-report", "programme_report", "graduation and relapse rates by cohort, regency, facilitator"),
    ("link", "link", "link people across files or agency sources (Splink; `entas link files A B ...`)"),
    ("rank", "rank_places", "rank regencies or districts for a programme; --save keeps a priority list"),
    ("training", "training", "training and mentoring sessions: list, create, record attendance"),
    ("manage", None, "any Django management command, e.g. `entas manage shell`"),
]

HELP = """usage: entas SUBCOMMAND [options]

Entas: registry, cooperatives and enterprises, programmes, graduation and monitoring for
programmes that lift extreme-poor households out of poverty.

Subcommands:
{commands}

Run `entas SUBCOMMAND --help` for the options of one subcommand.
Configuration comes from environment variables: DATABASE_URL (default: SQLite in ./var),
SECRET_KEY, ENTAS_DATA_DIR, DEBUG, ALLOWED_HOSTS. See README.md.
"""


def usage() -> str:
    lines = [f"  {name:<14} {text}" for name, _, text in COMMANDS]
    return HELP.format(commands="\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    # Files Entas writes hold personal data: readable by the account running Entas only.
    os.umask(0o077)
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    known = {sub: command for sub, command, _ in COMMANDS}
    if name not in known:
        print(f"entas: unknown subcommand '{name}'.\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entas.settings")
    from django.core.management import execute_from_command_line

    from entas.core.context import origin

    command = known[name]
    with origin("cli", name):
        if command is None:
            execute_from_command_line(["entas", *rest])
        else:
            execute_from_command_line(["entas", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
