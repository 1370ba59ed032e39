from rest_framework import serializers, viewsets

from governance.models import OrgNode
from governance.params import parse_id


class OrgNodeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgNode
        fields = ["id", "kind", "kind_display", "name", "code", "parent", "level"]


class OrgNodeViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation tree in the user's subtree; filter with ?parent=ID or ?kind=N."""

    serializer_class = OrgNodeSerializer

    def get_queryset(self):
        nodes = OrgNode.objects.visible_to(self.request.user).order_by("tree_id", "lft")
        params = self.request.query_params
        if parse_id(params.get("parent")):
            nodes = nodes.filter(parent_id=parse_id(params["parent"]))
        if parse_id(params.get("kind")) is not None:
            nodes = nodes.filter(kind=parse_id(params["kind"]))
        return nodes
