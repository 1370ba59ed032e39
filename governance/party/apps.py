from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    """Party life is the foundation's (it imports no app above governance), in an app of its
    own so that the foundation's models need not know it."""

    name = "governance.party"
    label = "party"
    verbose_name = _("Party life")
