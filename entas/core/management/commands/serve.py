import atexit
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Start the Entas web server (gunicorn) on http://127.0.0.1:8000 and, beside it, the "
        "background worker that runs imports and other long jobs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per web worker")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start the background worker (run `entas manage db_worker` elsewhere)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management import call_command
        from gunicorn.app.wsgiapp import WSGIApplication

        # Nothing runs yet: a batch still "running" was left by a process that died, and an event
        # still pending by one that died after its commit.
        call_command("cleanup_imports", stdout=self.stdout)
        call_command("deliver_events", stdout=self.stdout)
        if not options["no_task_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "django", "db_worker", "--settings", "entas.settings"])
            atexit.register(worker.terminate)
        self.stdout.write(f"Entas is up on http://{options['bind']}/  (Ctrl+C stops it)")
        sys.argv = [
            "gunicorn", "entas.wsgi:application", "--bind", options["bind"],
            "--workers", str(options["workers"]), "--threads", str(options["threads"]),
            "--access-logfile", "-", "--timeout", "300",
        ]
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
