from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Organisation and accounts")

    def ready(self):
        from governance import audit  # its receivers record logins
        from governance.registry import autodiscover

        audit.register_models()
        autodiscover()
