from django.apps import apps
from django.core.management.base import BaseCommand
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
            help="A district of 10 full-size streets, for benchmarks.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a tree.",
        )

    def handle(self, *args, scale, if_empty, **options):
        if if_empty and OrgNode.objects.exists():
            self.stdout.write("The database already holds an organisation tree; not seeding.")
        else:
            # Each app with a demo.seed() adds its part, in INSTALLED_APPS order.
            for app in apps.get_app_configs():
                try:
                    seed = import_string(f"{app.name}.demo.seed")
                except ImportError:
                    continue
                # One transaction per app: seconds instead of a commit per batch, and an
                # app's part is written whole or not at all.
                with transaction.atomic():
                    created = seed(scale=scale)
                    demo.refresh_statistics(*app.get_models(include_auto_created=True))
                summary = ", ".join(f"{n} {what}" for what, n in created.items())
                self.stdout.write(f"{app.label}: created {summary}")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, _full_name, role, code, _staff in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role or 'superuser':<20} {code or ''}")
