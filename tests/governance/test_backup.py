"""Backups that restore: the demo street and a photo, backed up, restored into a fresh database
by another process (as an operator would), and found whole there: every row, a consistent
tree, balanced ledgers, the photo. On SQLite by default; on PostgreSQL under its DATABASE_URL."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from governance import backups
from governance.models import OrgNode

MANAGE = Path(settings.BASE_DIR) / "manage.py"
PHOTO = b"\xff\xd8\xff\xe0 not really a JPEG, but bytes to compare " + bytes(range(256)) * 40

# Run in the restored database: what the test compares with the original.
INSPECT = """
import json
from governance import backups, tree
from volunteers import ledger
print(json.dumps({
    "rows": backups.row_counts(),
    "tree_problems": tree.find_problems(),
    "ledger_mismatches": [str(profile.pk) for profile, _sum in ledger.mismatches()],
}))
"""


@pytest.fixture
def fresh_database(tmp_path):
    """The DATABASE_URL of an empty database of the vendor under test: a new SQLite file, or
    a new PostgreSQL database (created by the test's own user, a superuser in CI)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"hongge_restore_{uuid.uuid4().hex[:12]}"
    params = connection.settings_dict
    with connection.cursor() as cursor:  # CREATE DATABASE runs outside a transaction
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = quote(params["USER"] or "")
    password = f":{quote(str(params['PASSWORD']))}" if params.get("PASSWORD") else ""
    host = params["HOST"] or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    try:
        yield f"postgres://{user}{password}@{host}{port}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database_url, media_root, var_dir):
    """manage.py in a process of its own, configured like a second installation."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "VAR_DIR": str(var_dir),
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


def last_line(text):
    return text.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)  # the backup must see committed data
def test_a_backup_of_the_demo_street_restores_into_a_fresh_database_whole(
    settings, tmp_path, fresh_database, capsys, starting_lists
):
    # Given the demo street and a resident's photo
    call_command("seed_demo")
    photo = Path(settings.MEDIA_ROOT) / "whistles" / "2026" / "03" / "fire-lane.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    settings.BACKUP_DIR = tmp_path / "backups"
    capsys.readouterr()

    # When it is backed up
    call_command("backup")
    archive = Path(last_line(capsys.readouterr().out))

    # Then the archive's path is the last line, named by its time, under BACKUP_DIR
    assert archive.parent == settings.BACKUP_DIR
    assert re.fullmatch(r"hongge-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o077 == 0  # residents' data: the owner's only
    original = backups.row_counts()
    manifest = backups.read_manifest(archive)
    assert manifest["vendor"] == connection.vendor
    assert manifest["row_counts"] == original
    assert manifest["migrations"] == backups.code_heads()
    assert manifest["media_files"] == 1
    # Enough in it that the comparisons below mean something
    assert original["governance.OrgNode"] > 600
    assert original["volunteers.LedgerEntry"] > 0

    # When another installation with an empty database restores it
    second = {
        "database_url": fresh_database,
        "media_root": tmp_path / "restored-media",
        "var_dir": tmp_path / "restored-var",
    }
    restored = manage("restore", str(archive), **second)
    assert restored.returncode == 0, restored.stderr
    assert "each count checked" in restored.stdout

    # Then every row is there, the tree is consistent, every balance matches its ledger
    inspected = manage("shell", "-c", INSPECT, **second)
    assert inspected.returncode == 0, inspected.stderr
    assert json.loads(last_line(inspected.stdout)) == {
        "rows": original,
        "tree_problems": [],
        "ledger_mismatches": [],
    }
    # and so is the photo
    restored_photo = second["media_root"] / photo.relative_to(settings.MEDIA_ROOT)
    assert restored_photo.read_bytes() == PHOTO

    # When it is restored again over the now populated database, with --yes
    stray = second["media_root"] / "stray.txt"
    stray.write_text("written after the backup")
    again = manage("restore", "--yes", str(archive), **second)

    # Then the database is replaced (PostgreSQL: --clean over existing tables) and the
    # media folder is the backup's again
    assert again.returncode == 0, again.stderr
    assert restored_photo.read_bytes() == PHOTO
    assert not stray.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(backups.WORK_PREFIX)]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data_without_yes(settings, tmp_path, small_tree):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True)
    (media / "before.txt").write_text("in the backup")
    archive = tmp_path / "snapshot.tar.gz"
    call_command("backup", "--output", str(archive))
    assert archive.is_file()
    # Work goes on after the backup
    (media / "after.txt").write_text("not in the backup")
    OrgNode.objects.filter(pk=small_tree.buildings_b[1].pk).delete()
    before = backups.row_counts()

    with pytest.raises(CommandError, match=r"already holds data.*--yes"):
        call_command("restore", str(archive))

    assert backups.row_counts() == before
    assert sorted(p.name for p in media.iterdir()) == ["after.txt", "before.txt"]


@pytest.mark.django_db(transaction=True)
def test_a_missing_or_damaged_archive_is_refused_and_changes_nothing(settings, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True)
    (media / "kept.txt").write_text("still here")
    archive = tmp_path / "snapshot.tar.gz"
    call_command("backup", "--output", str(archive))
    data = archive.read_bytes()
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(data[: len(data) // 2])

    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(damaged))

    assert [p.name for p in media.iterdir()] == ["kept.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(backups.WORK_PREFIX)]


def test_a_mounted_media_folder_is_swapped_by_its_contents(tmp_path):
    # A Docker volume at MEDIA_ROOT cannot be renamed: its entries move instead.
    target = tmp_path / "media"
    (target / "old").mkdir(parents=True)
    (target / "old" / "a.jpg").write_bytes(b"old")
    (target / "b.jpg").write_bytes(b"old")
    new = target / f"{backups.WORK_PREFIX}restore" / "media"
    (new / "whistles").mkdir(parents=True)
    (new / "whistles" / "c.jpg").write_bytes(b"new")
    inode = target.stat().st_ino

    backups.swap_folder(new=new, target=target, in_place=True)

    assert target.stat().st_ino == inode
    assert sorted(p.name for p in target.iterdir()) == [f"{backups.WORK_PREFIX}restore", "whistles"]
    assert (target / "whistles" / "c.jpg").read_bytes() == b"new"
