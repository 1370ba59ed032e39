from django.core.management.base import BaseCommand, CommandError

from governance import backups


class Command(BaseCommand):
    help = (
        "Bring a backup (from `manage.py backup`) back into the configured database and "
        "MEDIA_ROOT, replacing what they hold. Stop the web server and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Go ahead even though the database already holds data: it is replaced.",
        )

    def handle(self, *args, path, yes, **options):
        try:
            restored = backups.restore_backup(path=path, replace=yes)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        for note in restored.notes:
            self.stderr.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: "
                f"{sum(manifest['row_counts'].values())} rows in "
                f"{len(manifest['row_counts'])} tables, each count checked, and "
                f"{manifest['media_files']} media files."
            )
        )
