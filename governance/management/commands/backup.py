from django.core.management.base import BaseCommand, CommandError

from governance import backups


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database and the media files into one archive "
        "(under settings.BACKUP_DIR unless --output says otherwise); its path is the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="PATH",
            help="The archive to write, or an existing folder to put the timestamped one in.",
        )

    def handle(self, *args, output, **options):
        try:
            backup = backups.create_backup(output=output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        self.stdout.write(
            f"Backed up {sum(manifest['row_counts'].values())} rows in "
            f"{len(manifest['row_counts'])} tables ({manifest['vendor']}) and "
            f"{manifest['media_files']} media files."
        )
        self.stdout.write(str(backup.path))
