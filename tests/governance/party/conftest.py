# The service card counts volunteer hours: the volunteers' team, activity and people.
from tests.volunteers.conftest import service  # noqa: F401
