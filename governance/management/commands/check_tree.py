from django.core.management.base import BaseCommand, CommandError

from governance import tree


class Command(BaseCommand):
    help = "Verify the organisation tree's nested-set numbers; --rebuild repairs them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Recompute lft/rght/level/tree_id from the parent links.",
        )

    def handle(self, *args, rebuild, **options):
        problems = tree.find_problems()
        if problems and rebuild:
            self.stdout.write(f"{len(problems)} problem(s) found; rebuilding.")
            tree.rebuild()
            problems = tree.find_problems()
        for problem in problems[:50]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"The organisation tree has {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("The organisation tree is consistent."))
