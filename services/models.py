"""Django looks for the app's models here; each domain keeps its own in its package."""

from services.stations import models as stations  # noqa: F401
from services.whistles import models as whistles  # noqa: F401

# The migrations that created the photo fields name their upload paths here.
from services.whistles.models import whistle_photo_path  # noqa: F401
from services.wishes import models as wishes  # noqa: F401
from services.wishes.models import wish_photo_path  # noqa: F401
