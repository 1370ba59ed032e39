"""The composite pages and the workflow's listeners find this module; each domain registers
its part in its package."""

from services.stations import contributions as stations_contributions  # noqa: F401
from services.whistles import contributions as whistles_contributions  # noqa: F401
from services.whistles import resident_sms as whistles_resident_sms  # noqa: F401
from services.wishes import contributions as wishes_contributions  # noqa: F401
from services.wishes import resident_sms as wishes_resident_sms  # noqa: F401
