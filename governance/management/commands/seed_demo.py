import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from governance import demo
from governance.models import OrgNode


class Command(BaseCommand):
    help = (
        "Build the demo street (or, with --scale, a district of ten) with one login per "
        "role and each app's demo data. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            action="store_true",
            help=(
                "A district of 10 streets (~400,000 households, ~30,000 volunteers, a year "
                "of ~100,000 whistles), for benchmarks."
            ),
        )
        parser.add_argument(
            "--households-per-street",
            type=int,
            default=demo.DISTRICT_HOUSEHOLDS,
            metavar="N",
            help=(
                "With --scale: about N households in the register of each of the nine other "
                "streets (default %(default)s); their buildings, volunteers, whistles and "
                "wishes follow in proportion."
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a tree.",
        )

    def handle(self, *args, scale, households_per_street, if_empty, **options):
        if scale and households_per_street < 1:
            raise CommandError("--households-per-street must be at least 1.")
        # Each app's seed takes the households per district street, 0 for the demo alone.
        scale = households_per_street if scale else 0
        if if_empty and OrgNode.objects.exists():
            self.stdout.write("The database already holds an organisation tree; not seeding.")
        else:
            # Each app with a demo.seed() adds its part, in INSTALLED_APPS order (party life
            # last: it leans on what the others recorded).
            for app in apps.get_app_configs():
                try:
                    seed = import_string(f"{app.name}.demo.seed")
                except ImportError:
                    continue
                # One transaction per app: seconds instead of a commit per batch, and an
                # app's part is written whole or not at all.
                started = time.perf_counter()
                with transaction.atomic():
                    created = seed(scale=scale)
                    demo.refresh_statistics(*app.get_models(include_auto_created=True))
                summary = ", ".join(f"{n} {what}" for what, n in created.items())
                took = time.perf_counter() - started
                self.stdout.write(f"{app.label}: created {summary} ({took:.0f} s)")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, _full_name, role, code, _staff in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role or 'superuser':<20} {code or ''}")
