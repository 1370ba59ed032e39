"""Settings for the load harness only (`tests/bench/harness.py`): the portal's own settings as
the environment makes them, plus the bare views the pages are measured against and a
query counter that answers only requests that ask for it."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.server"
# First, so the count covers every query the stack makes (sessions, user, axes, audit log).
MIDDLEWARE = ["tests.bench.server.count_queries", *MIDDLEWARE]  # noqa: F405
