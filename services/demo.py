"""The demo street's resident services, each domain's from its package."""

from services.stations import demo as stations
from services.whistles import demo as whistles
from services.wishes import demo as wishes


def seed(*, scale=False):
    created = {
        "departments": whistles.seed_departments(),
        "whistles": whistles.seed_whistles(),
        "wishes": wishes.seed_wishes(),
        "stations": stations.seed_stations(),
    }
    if scale:
        created["whistles over a year"] = whistles.scale_whistles()
    return created
