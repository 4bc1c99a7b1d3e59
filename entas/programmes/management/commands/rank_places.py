from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from entas.programmes import priority, services
from entas.programmes.management.commands._common import find_programme, refusal, table


class Command(BaseCommand):
    help = ("Rank regencies or districts (kecamatan) by the priority score and print the best; with --save, keep "
            "the chosen places as a programme's priority list. "
            "Example: entas rank --level district --within 53 --weight extreme_poor=3 --top 20; "
            "entas rank --save 'NTT 2026' --programme 'Graduasi KPM 2025' --quota 53=3 --quota 33=2")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--level", default="regency", help="regency (default) or district")
        parser.add_argument("--within", help="only places inside this region code (a province, or a regency)")
        parser.add_argument("--weight", action="append", default=[], metavar="NAME=VALUE",
                            help=f"a weight (repeatable); names: {', '.join(priority.WEIGHT_NAMES)}; "
                                 "names not given keep their default")
        parser.add_argument("--top", type=int, default=20, help="how many places to print (default 20)")
        parser.add_argument("--save", metavar="NAME", help="save the chosen places as a priority list of this name")
        parser.add_argument("--programme", help="programme id or exact name (needed with --save)")
        parser.add_argument("--quota", action="append", default=[], metavar="PROVINCE=N",
                            help="with --save: the best N places of this province (repeatable)")
        parser.add_argument("--limit", type=int, help="with --save and no quota: the best N places overall")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            weights = priority.weights_from(self._pairs(options["weight"]))
            if options["save"]:
                self._save(options, weights)
                return
            ranked = priority.rank(weights, options["level"], options["within"])
        except ValidationError as error:
            raise refusal(error) from None
        rows = [[r.rank, r.code, r.name, round(r.score, 3), priority.explain(r)] for r in ranked[:options["top"]]]
        self.stdout.write(f"{len(ranked)} places ranked; weights {weights}\n")
        self.stdout.write(table(["rank", "code", "name", "score", "why"], rows))

    def _pairs(self, items: list[str]) -> dict[str, str]:
        pairs = {}
        for item in items:
            name, sep, value = item.partition("=")
            if not sep or name not in priority.WEIGHT_NAMES:
                raise CommandError(f"weight: '{item}': write NAME=VALUE with NAME one of "
                                   f"{', '.join(priority.WEIGHT_NAMES)}")
            pairs[name] = value
        return pairs

    def _save(self, options: dict[str, Any], weights: dict[str, float]) -> None:
        if not options["programme"]:
            raise CommandError("programme: --save needs --programme")
        saved = services.save_priority_list(
            None, find_programme(options["programme"]), name=options["save"], weights=weights,
            quotas=priority.quotas_from(" ".join(options["quota"])), limit=options["limit"], level=options["level"],
            within=options["within"])
        rows = [[loc.rank, loc.region_id, loc.explanation] for loc in saved.locations.order_by("rank")]
        self.stdout.write(table(["rank", "code", "why"], rows))
        self.stdout.write(self.style.SUCCESS(f"Saved priority list '{saved.name}' (id {saved.pk}) with {len(rows)} "
                                             f"places."))
