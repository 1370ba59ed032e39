from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from config.celery import app as celery_app
from governance.models import OrgNode
from tests import browser
from tests.factories import NodeFactory, UserFactory, cadre

# Tasks run in the test process; tests that need the broker's absence say so.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads never land in the project


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters and cached figures live in the caches: no test sees another's.
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def frozen_clock():
    """Rate limits count in windows that end at a fixed second of each hour or minute (per
    key); a test posting across that second would see the count start again. A still clock
    keeps a test's posts in one window."""
    with time_machine.travel(
        datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def requires_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite has no advisory locks")


@dataclass
class SmallTree:
    """红星街道 with two communities (A, B), each with one grid holding two buildings."""

    street: OrgNode
    community_a: OrgNode
    community_b: OrgNode
    grid_a: OrgNode
    grid_b: OrgNode
    buildings_a: list
    buildings_b: list


@pytest.fixture
def small_tree(db):
    street = NodeFactory(name="红星街道党工委", code="HX")
    a = NodeFactory(parent=street, name="红旗社区党委", code="HX-01")
    b = NodeFactory(parent=street, name="幸福社区党委", code="HX-02")
    grid_a = NodeFactory(parent=a, name="红旗第1网格党支部", code="HX-01-01")
    grid_b = NodeFactory(parent=b, name="幸福第1网格党支部", code="HX-02-01")
    buildings_a = [
        NodeFactory(parent=grid_a, name=f"锦绣苑{i}号楼", code=f"HX-01-01-0{i}") for i in (1, 2)
    ]
    buildings_b = [
        NodeFactory(parent=grid_b, name=f"阳光花园{i}号楼", code=f"HX-02-01-0{i}") for i in (1, 2)
    ]
    for node in (street, a, b, grid_a, grid_b):
        node.refresh_from_db()
    return SmallTree(street, a, b, grid_a, grid_b, buildings_a, buildings_b)


@pytest.fixture
def street_cadre(small_tree):
    return cadre(small_tree.street, "street_cadre")


@pytest.fixture
def cadre_a(small_tree):
    return cadre(small_tree.community_a, "cadre_a")


@pytest.fixture
def cadre_b(small_tree):
    return cadre(small_tree.community_b, "cadre_b")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True, role="")


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: client_for(user)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium per test module (contexts are cheap, browsers are not). Not for
    the whole run: while it lives, Playwright's loop runs in this thread and the ORM is let
    through by DJANGO_ALLOW_ASYNC_UNSAFE, which must not reach the other tests."""
    with browser.launched(tmp_path_factory.mktemp("chromium")) as launched:
        yield launched


# The lists a deployment starts with, written by data migrations (idempotent get_or_create).
STARTING_LISTS = [
    ("services.migrations.0002_default_categories", "add_categories"),
    ("services.migrations.0007_station_lists", "add_lists"),
    ("grids.migrations.0002_resident_tags", "add_tags"),
]


@pytest.fixture
def starting_lists():
    """Writes those lists again: a transactional test (the live server's) ends by flushing
    the database, data migrations' rows included, and a later one that seeds the demo needs
    them."""
    from importlib import import_module

    from django.apps import apps

    for module, function in STARTING_LISTS:
        getattr(import_module(module), function)(apps, None)
