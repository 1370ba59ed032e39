from django.core.management.base import BaseCommand, CommandError

from volunteers import ledger


class Command(BaseCommand):
    help = "Prove every volunteer's cached points balance equals the sum of their entries."

    def handle(self, *args, **options):
        wrong = ledger.mismatches()
        for profile, total in wrong[:50]:
            self.stderr.write(
                f"{profile.user.username}: cached {profile.points_balance}, entries sum {total}"
            )
        if wrong:
            raise CommandError(f"{len(wrong)} balance(s) differ from their ledger.")
        self.stdout.write(self.style.SUCCESS("Every balance equals the sum of its entries."))
