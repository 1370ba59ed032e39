"""Settings, the production deploy check and the compose file (Docker is not run here)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )


def test_settings_speak_chinese_in_shanghai_with_english_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.AUTH_USER_MODEL == "governance.User"


def test_environment_readers_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", False)
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_production_refuses_to_start_without_its_servers_and_secret():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY, DATABASE_URL, REDIS_URL when DEBUG is off." in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-production-secret-" + "x" * 50,
        ALLOWED_HOSTS="portal.example.org",
        # check --deploy connects to neither: the URLs only need to be set.
        DATABASE_URL="postgres://hongge@127.0.0.1:1/hongge",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_compose_file_names_the_five_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    # Migrations run once, before any web replica starts.
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("migrate", "worker", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()


def test_the_celery_app_finds_the_tasks():
    from config.celery import app

    app.loader.import_default_modules()
    assert "governance.tasks.check_trees" in app.tasks
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_the_beat_tree_check_counts_problems(small_tree):
    from governance.models import OrgNode
    from governance.tasks import check_trees

    assert check_trees() == 0
    OrgNode.objects.filter(pk=small_tree.grid_a.pk).update(rght=50)
    assert check_trees() > 0


def test_beat_has_its_folder_with_a_redis_broker(tmp_path):
    """On a fresh set-up with a Redis broker, beat's schedule file has a folder to live in."""
    var = tmp_path / "fresh" / "var"
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; import pathlib; "
        "print(pathlib.Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.is_dir())",
        VAR_DIR=str(var),
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_pages_and_assets_are_served_before_collectstatic(tmp_path):
    """DEBUG off on a set-up that never ran collectstatic: pages answer, assets too."""
    script = (
        "from django.test import Client; from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); c = Client(); r = c.get('/'); "
        "import re; css = re.search(r'/static/[^\"]+\\.css', r.content.decode()).group(0); "
        "print(r.status_code, c.get(css).status_code, css)"
    )
    result = manage(
        "shell",
        "-c",
        script,
        DEBUG="0",
        SECRET_KEY="test-only-" + "x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",
        VAR_DIR=str(tmp_path / "var"),
        SECURE_SSL_REDIRECT="0",
    )
    assert result.returncode == 0, result.stderr
    home, asset, path = result.stdout.strip().splitlines()[-1].split()
    assert (home, asset) == ("200", "200"), path


def embedded(tmp_path, script, **env):
    """Run `script` under the settings `make run` uses: DEBUG off, no servers, no secret."""
    return manage(
        "shell",
        "-c",
        script,
        DEBUG="0",
        EMBEDDED="1",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        **env,
    )


def test_make_run_serves_with_debug_off_on_plain_http_with_a_secret_kept_in_var(tmp_path):
    script = (
        "from django.conf import settings; from django.test import Client; "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "c = Client(); r = c.get('/no-such-page/'); h = c.get('/healthz/'); "
        "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.TWO_FACTOR_REQUIRED, h.status_code, r.status_code,"
        " '页面不存在' in r.content.decode(), settings.SECRET_KEY)"
    )
    first = embedded(tmp_path, script)
    assert first.returncode == 0, first.stderr
    *flags, key = first.stdout.strip().splitlines()[-1].split()
    # No HTTPS redirect, no HSTS, cookies over HTTP; two-step login stays on unless the Makefile
    # turns it off for the demo; the portal's own 404.
    assert flags == ["False", "False", "False", "0", "True", "200", "404", "True"]
    secret = tmp_path / "var" / "secret_key"
    assert secret.read_text().strip() == key and len(key) >= 50
    assert secret.stat().st_mode & 0o077 == 0  # readable by its owner only
    again = embedded(tmp_path, "from django.conf import settings; print(settings.SECRET_KEY)")
    assert again.stdout.strip().splitlines()[-1] == key  # created once, then kept


def test_without_embedded_debug_off_still_needs_real_servers_and_https(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.TWO_FACTOR_REQUIRED)",
        DEBUG="0",
        SECRET_KEY="a-production-secret-" + "x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",
        VAR_DIR=str(tmp_path / "var"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True 31536000 True"
    assert not (tmp_path / "var" / "secret_key").exists()


def test_make_run_serves_hashed_static_files_cached_for_a_year(tmp_path):
    """The command center's 1 MB of ECharts is fetched once, not on every visit."""
    script = (
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0); "
        "from django.contrib.staticfiles.storage import staticfiles_storage as s; "
        "from django.test import Client; c = Client(); "
        "url = s.url('vendor/echarts/echarts.min.js'); "
        "r = c.get(url, headers={'accept-encoding': 'gzip'}); "
        "plain = c.get('/static/vendor/echarts/echarts.min.js'); "
        "print(url, r.status_code, r['Cache-Control'].replace(' ', ''), "
        "r.get('Content-Encoding'), plain['Cache-Control'].replace(' ', ''))"
    )
    result = embedded(tmp_path, script)
    assert result.returncode == 0, result.stderr
    url, status, cache, encoding, plain = result.stdout.strip().splitlines()[-1].split()
    assert re.fullmatch(r"/static/vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js", url), url
    assert status == "200" and encoding == "gzip"
    assert "max-age=315360000" in cache and "immutable" in cache
    assert "immutable" not in plain  # the unhashed name may change: not cached for long


def test_passwords_keep_djangos_pbkdf2_strength_outside_the_tests(tmp_path):
    """Only the test suite hashes cheaply (tests/conftest.py); make run and production keep
    Django's PBKDF2 with its iterations."""
    result = embedded(
        tmp_path,
        "from django.contrib.auth.hashers import get_hasher; h = get_hasher(); "
        "print(h.algorithm, h.iterations)",
    )
    algorithm, iterations = result.stdout.strip().splitlines()[-1].split()
    assert algorithm == "pbkdf2_sha256" and int(iterations) >= 1_000_000
