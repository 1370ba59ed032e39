from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Resident services")

    def ready(self):
        from mptt.signals import node_moved

        from governance.models import OrgNode
        from services.tree_moves import follow_moved_node

        node_moved.connect(
            follow_moved_node, sender=OrgNode, dispatch_uid="services.follow_moved_node"
        )
