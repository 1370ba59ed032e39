import factory

from governance.models import NodeKind, OrgNode, Role, User


class NodeFactory(factory.django.DjangoModelFactory):
    """A node one level below its parent; a street when it has none."""

    class Meta:
        model = OrgNode

    parent = None
    kind = factory.LazyAttribute(lambda o: o.parent.kind + 1 if o.parent else NodeKind.STREET)
    name = factory.Sequence(lambda n: f"节点{n}")
    code = factory.Sequence(lambda n: f"N{n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    role = Role.VOLUNTEER
    password = factory.django.Password("pw-for-tests")


def cadre(node, username=None, role=None):
    """A staff user attached to `node` with the role that matches its kind."""
    role = (
        role
        or {
            NodeKind.STREET: Role.STREET_CADRE,
            NodeKind.COMMUNITY: Role.COMMUNITY_CADRE,
            NodeKind.GRID: Role.GRID_WORKER,
        }[node.kind]
    )
    return UserFactory(
        username=username or f"{role}-{node.code}",
        role=role,
        node=node,
        is_staff=role in (Role.STREET_CADRE, Role.COMMUNITY_CADRE),
    )
