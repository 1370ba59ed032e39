"""The admin finds this module; each domain registers its own models in its package."""

from services.stations import admin as stations_admin  # noqa: F401
from services.whistles import admin as whistles_admin  # noqa: F401
from services.wishes import admin as wishes_admin  # noqa: F401
