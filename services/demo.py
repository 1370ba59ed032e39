"""The demo street's resident services, each domain's from its package."""

from services.stations import demo as stations
from services.whistles import demo as whistles
from services.wishes import demo as wishes


def seed(*, scale=0):
    created = {
        "departments": whistles.seed_departments(),
        "whistles": (made := whistles.seed_whistles()),
        # The year before the walk-through, in every community; only with it, so only once.
        "whistles over the past year": whistles.seed_history() if made else 0,
        "wishes": wishes.seed_wishes(),
        "stations": stations.seed_stations(),
    }
    if scale:
        created["whistles over a year"] = whistles.scale_whistles(households=scale)
        created["district wishes"] = wishes.seed_district_wishes(households=scale)
    return created
