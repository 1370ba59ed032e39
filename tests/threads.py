"""Several connections at once, for the PostgreSQL locking tests."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection


def together(calls):
    """Run each call in its own thread (Django gives each its own connection), all released
    at once by a barrier. A ValidationError is returned as the outcome; anything else fails
    the test."""
    barrier = threading.Barrier(len(calls), timeout=30)

    def run(call):
        try:
            barrier.wait()
            return call()
        except ValidationError as error:
            return error
        finally:
            connection.close()  # this thread's connection, or the test database stays in use

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
