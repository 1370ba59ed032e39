"""Backups that restore: one archive holding a consistent database snapshot, the media files
and a manifest, and the restore that brings all of it back. The ``backup`` and ``restore``
management commands are thin wrappers over create_backup() and restore_backup().

An archive (``hongge-YYYYmmdd-HHMMSS.tar.gz``, local time, under settings.BACKUP_DIR) holds

    manifest.json      when, which vendor, migration heads per app, rows per model
    database.sqlite3   SQLite: a copy by the online backup API, consistent while in use
    database.pgdump    PostgreSQL: ``pg_dump --format=custom`` in the snapshot the counts saw
    media/...          settings.MEDIA_ROOT

The manifest comes first, so a report needs only the archive's first member. Archives hold
residents' names and mobile numbers: they are written readable by their owner only.
"""

import glob
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from governance.models import OrgNode

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Our work folders: a backup being written, a restore being unpacked (inside MEDIA_ROOT when
# that is a mount point); never backed up themselves.
WORK_PREFIX = ".hongge-"
# libpq reads these from the environment; Django passes them in OPTIONS.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@contextmanager
def _database_errors(connection):
    """A database that cannot be reached or read is an error message, not a traceback."""
    try:
        yield
    except DatabaseError as error:
        name = connection.settings_dict["NAME"]
        raise BackupError(f"The database {name} ({connection.vendor}) failed: {error}") from error


@dataclass
class Backup:
    path: Path
    manifest: dict


@dataclass
class Restored:
    manifest: dict
    notes: list[str]  # things the operator should know, e.g. migrations to run


# --- Facts about a database: rows per model, applied migration heads.


def _models():
    models = apps.get_models(include_auto_created=True)  # with the many-to-many tables
    return sorted(
        (m for m in models if m._meta.managed and not m._meta.proxy),
        key=lambda m: m._meta.label,
    )


def _quote(name):
    return '"{}"'.format(name.replace('"', '""'))  # the same in SQLite and PostgreSQL


def _facts(cursor, tables):
    """Rows per model and migration heads per app, read through any DB-API cursor (Django's
    or sqlite3's) from a database whose tables are `tables`."""
    return _count_rows(cursor, tables), _applied_heads(cursor, tables)


def _count_rows(cursor, tables):
    counts = {}
    for model in _models():
        if model._meta.db_table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(model._meta.db_table)}")
            counts[model._meta.label] = cursor.fetchone()[0]
    return counts


def _applied_heads(cursor, tables):
    applied = set()
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {(app, name) for app, name in cursor.fetchall()}
    return _heads(applied)


def _heads(applied):
    """The applied migrations of each app that no other applied migration of it follows."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    heads = defaultdict(list)
    for app, name in applied:
        node = graph.node_map.get((app, name))
        followers = node.children if node else set()
        if not any(child in applied for child in followers if child[0] == app):
            heads[app].append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def code_heads():
    """The migration heads of the code on disk, per app."""
    heads = defaultdict(list)
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes():
        heads[app].append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def row_counts(*, using=DEFAULT_DB_ALIAS):
    """Rows per model ("app_label.Model") in the configured database, as a manifest has them."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        return _count_rows(cursor, tables)


# --- Backup


def create_backup(*, output=None, using=DEFAULT_DB_ALIAS):
    """Write an archive of the database and MEDIA_ROOT. `output` is the file to write or a
    folder to put the timestamped file in; by default settings.BACKUP_DIR. Nothing is left
    behind under the final name unless the archive is complete."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    created = timezone.now()
    target = _target_path(output, created)
    with _database_errors(connection):
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=WORK_PREFIX) as work:
                database = Path(work) / DATABASE_FILES[vendor]
                if vendor == "sqlite":
                    counts, heads = _snapshot_sqlite(connection, database)
                else:
                    counts, heads = _snapshot_postgresql(connection, database)
                # After the snapshot: every file a row in it names was written before its row.
                media_root = Path(settings.MEDIA_ROOT)
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.localtime(created).isoformat(),
                    "vendor": vendor,
                    "database_file": database.name,
                    "migrations": heads,
                    "row_counts": counts,
                    "media_files": _count_files(media_root),
                }
                partial = Path(work) / target.name
                _write_archive(partial, manifest, database, media_root, created)
                os.replace(partial, target)  # same folder: the archive appears whole or not at all
        except OSError as error:
            raise BackupError(f"Could not write the backup {target}: {error}") from error
    return Backup(path=target, manifest=manifest)


def _target_path(output, created):
    stamp = f"hongge-{timezone.localtime(created):%Y%m%d-%H%M%S}"
    if output is not None:
        output = Path(output).expanduser()
        if not (output.is_dir() or str(output).endswith(os.sep)):
            if output.exists():
                raise BackupError(f"{output} exists already; choose another name.")
            return output.absolute()
        folder = output
    else:
        folder = Path(settings.BACKUP_DIR)
    candidate, n = folder / f"{stamp}.tar.gz", 2
    while candidate.exists():  # two backups within one second
        candidate, n = folder / f"{stamp}-{n}.tar.gz", n + 1
    return candidate.absolute()


def _snapshot_sqlite(connection, database):
    """Copy the live database with SQLite's online backup API (through Django's own
    connection, so an in-memory test database works too), then read the facts off the copy."""
    connection.ensure_connection()
    try:
        copy = sqlite3.connect(database)
        try:
            connection.connection.backup(copy)
            cursor = copy.cursor()
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {name for (name,) in cursor.fetchall()}
            return _facts(cursor, tables)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}") from error


def _snapshot_postgresql(connection, dump):
    """Count and dump in one snapshot: a repeatable-read transaction exports it and pg_dump
    joins it with --snapshot, so the manifest describes exactly what the dump holds."""
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction: pg_dump sees committed data only.")
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = _facts(cursor, set(connection.introspection.table_names(cursor)))
        _run_pg(
            pg_dump,
            connection.settings_dict,
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={dump}",
        )
    return facts


def _count_files(folder):
    return sum(len(files) for _dir, _dirs, files in os.walk(folder)) if folder.is_dir() else 0


def _write_archive(path, manifest, database, media_root, created):
    def skip_work_folders(info):
        return None if Path(info.name).name.startswith(WORK_PREFIX) else info

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA, filter=skip_work_folders)
        raw.flush()
        os.fsync(raw.fileno())


# --- PostgreSQL client tools


def pg_tool(name):
    """`name` (pg_dump, pg_restore) on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def version(path):
        return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.parent.name))

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} is not on PATH nor under /usr/lib/postgresql/*/bin. Install the PostgreSQL "
        "client of the server's major version or newer (Debian: apt-get install "
        "postgresql-client)."
    )


def _run_pg(tool, settings_dict, *args):
    command = [tool, *args, "--no-password"]  # fail, never prompt, when run from cron
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    command.append(f"--dbname={settings_dict['NAME']}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in PG_OPTION_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"Could not run {tool}: {error}") from error
    if result.returncode != 0:
        raise BackupError(
            f"{Path(tool).name} failed (exit {result.returncode}): {result.stderr.strip()}"
        )


# --- Restore


def read_manifest(path):
    """The manifest of the archive at `path`; BackupError if it is not one of ours."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    try:
        with tarfile.open(path, "r:*") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise BackupError(
                    f"{path} is not a 红格 backup: it does not start with {MANIFEST}."
                )
            manifest = json.load(tar.extractfile(first))
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')}; this code reads {FORMAT}."
        )
    missing = {"vendor", "database_file", "row_counts", "migrations"} - manifest.keys()
    if missing or manifest["database_file"] not in DATABASE_FILES.values():
        raise BackupError(f"{path} has a damaged manifest.")
    return manifest


def holds_data(*, using=DEFAULT_DB_ALIAS):
    """Whether the database holds an organisation tree (a fresh one has no tables at all)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if OrgNode._meta.db_table not in connection.introspection.table_names(cursor):
            return False
    return OrgNode.objects.using(using).exists()


def restore_backup(*, path, replace=False, using=DEFAULT_DB_ALIAS):
    """Bring the archive at `path` back into the configured database and MEDIA_ROOT.

    A database holding data is replaced only with `replace`. The archive is unpacked next to
    MEDIA_ROOT first, so a damaged one changes nothing; the media folder is swapped in whole
    once the database is back; then the rows are counted against the manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"The backup holds a {manifest['vendor']} database; the configured one is "
            f"{connection.vendor}. Restore it into a {manifest['vendor']} database."
        )
    with _database_errors(connection):
        notes = _restore(path, manifest, replace, connection)
    return Restored(manifest=manifest, notes=notes)


def _restore(path, manifest, replace, connection):
    using = connection.alias
    if not replace and holds_data(using=using):
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already holds data (an "
            "organisation tree); restoring replaces all of it and MEDIA_ROOT. Stop the web "
            "server and workers, then run again with --yes."
        )
    media_root = Path(settings.MEDIA_ROOT).absolute()
    # A mounted MEDIA_ROOT (a Docker volume) cannot be renamed: work inside it instead.
    in_place = os.path.ismount(media_root) or (
        media_root.parent.exists() and not os.access(media_root.parent, os.W_OK)
    )
    work_parent = media_root if in_place else media_root.parent
    try:
        work_parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work_parent, prefix=WORK_PREFIX) as work:
            work = Path(work)
            _extract(path, work, manifest)
            database = work / manifest["database_file"]
            if not database.is_file():
                raise BackupError(f"{path} holds no {manifest['database_file']}.")
            new_media = work / MEDIA
            new_media.mkdir(exist_ok=True)
            if connection.vendor == "sqlite":
                _restore_sqlite(connection, database)
            else:
                _restore_postgresql(connection, database)
            try:
                swap_folder(new=new_media, target=media_root, in_place=in_place)
            except OSError as error:
                raise BackupError(
                    f"The database is restored, but the media files could not be put in "
                    f"place ({error}); {media_root} is as it was."
                ) from error
    except OSError as error:
        raise BackupError(f"Could not restore {path}: {error}") from error
    return _check_restored(manifest, using)


def _extract(path, work, manifest):
    expected = {MANIFEST, manifest["database_file"]}

    def checked(tar):
        for member in tar:
            if not (member.name in expected or Path(member.name).parts[0] == MEDIA):
                raise BackupError(f"{path} holds an unexpected {member.name}; not restoring it.")
            yield member

    try:
        with tarfile.open(path, "r:*") as tar:
            # The "data" filter refuses absolute paths, links out of the folder, devices.
            tar.extractall(work, members=checked(tar), filter="data")
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error


def _restore_sqlite(connection, database):
    if connection.is_in_memory_db():
        raise BackupError("The configured SQLite database lives in memory; set DATABASE_URL.")
    target = Path(connection.settings_dict["NAME"])
    connection.close()  # our own connection must not hold the file
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 20)
    try:
        source = sqlite3.connect(database)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("The database in the backup is damaged (PRAGMA quick_check).")
            target.parent.mkdir(parents=True, exist_ok=True)
            destination = sqlite3.connect(target, timeout=timeout)
            try:
                # Page by page under SQLite's own locks, committed at the end or not at all.
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore into {target}: {error}") from error


def _restore_postgresql(connection, dump):
    pg_restore = pg_tool("pg_restore")
    connection.close()
    # One transaction: a failure part-way leaves the database as it was.
    _run_pg(
        pg_restore,
        connection.settings_dict,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(dump),
    )


def swap_folder(*, new, target, in_place=False):
    """Put folder `new` where `target` is, then delete the old one. Normally two renames
    next to each other; `in_place` (target is a mount point) moves what each folder holds,
    putting the old entries back if a move fails."""
    new, target = Path(new), Path(target)
    if not in_place:
        old = None
        if target.exists():
            old = target.with_name(f"{WORK_PREFIX}{target.name}-old-{os.getpid()}-{time.time_ns()}")
            os.replace(target, old)
        try:
            os.replace(new, target)
        except OSError:
            if old:
                os.replace(old, target)
            raise
        if old:
            shutil.rmtree(old)
        return
    old = Path(tempfile.mkdtemp(dir=target, prefix=f"{WORK_PREFIX}old-"))
    moved_out, moved_in = [], []
    try:
        for entry in list(target.iterdir()):
            if not entry.name.startswith(WORK_PREFIX):
                os.replace(entry, old / entry.name)
                moved_out.append(entry.name)
        for entry in list(new.iterdir()):
            os.replace(entry, target / entry.name)
            moved_in.append(entry.name)
    except OSError:
        for name in moved_in:
            os.replace(target / name, new / name)
        for name in moved_out:
            os.replace(old / name, target / name)
        raise
    shutil.rmtree(old)


def _check_restored(manifest, using):
    counts = row_counts(using=using)
    wrong = {
        label: (n, counts.get(label))
        for label, n in manifest["row_counts"].items()
        if counts.get(label) != n
    }
    if wrong:
        listed = ", ".join(f"{label} {n} → {got}" for label, (n, got) in sorted(wrong.items()))
        raise BackupError(
            f"The database was restored, but {len(wrong)} table(s) hold other row counts than "
            f"the backup: {listed}."
        )
    notes = []
    if manifest["migrations"] != code_heads():
        notes.append(
            "The backup was taken at other migrations than this code has: run "
            "`manage.py migrate` if the code is newer; if the backup is newer, deploy the "
            "code it came from."
        )
    return notes
