from django.core.management.base import BaseCommand

from governance import demo
from governance.models import OrgNode


class Command(BaseCommand):
    help = "Build the demo street (or, with --scale, a district of ten) and one login per role."

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
            streets = demo.build_streets(scale=scale)
            users = demo.create_demo_users()
            self.stdout.write(
                f"Created {streets} street(s) and {len(users)} demo user(s); "
                f"{OrgNode.objects.count()} nodes in all."
            )
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, _full_name, role, code, _staff in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role or 'superuser':<20} {code or 'all'}")
