"""The composite pages find this module; each domain registers its part in its package."""

from services.stations import contributions as stations_contributions  # noqa: F401
from services.whistles import contributions as whistles_contributions  # noqa: F401
from services.wishes import contributions as wishes_contributions  # noqa: F401
