from rest_framework import serializers, viewsets

from governance.models import OrgNode


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
        if params.get("parent", "").isdigit():
            nodes = nodes.filter(parent_id=params["parent"])
        if params.get("kind", "").isdigit():
            nodes = nodes.filter(kind=params["kind"])
        return nodes
