# The command center counts what every app records: it meets the whistles' world.
from tests.services.conftest import world  # noqa: F401
