"""Masking of personal data (PIPL: minimum necessary). The one place that decides how a
phone number or a name looks to someone who does not need it in full, and who needs it:
the people kept on a node's records (residents, party members) are seen in full by the grid
workers and the community cadres whose area holds that node; everyone else sees them masked."""

from django.utils.translation import gettext as _

from governance.roles import Role
from governance.scope import in_scope

NEEDS_CONTACT = (Role.COMMUNITY_CADRE, Role.GRID_WORKER)


def sees_contact(user, node):
    """Whether the user sees in full the names and mobiles of the people kept on this node."""
    if user.is_superuser:
        return True
    return user.role in NEEDS_CONTACT and in_scope(user, node)


def mask_mobile(mobile: str) -> str:
    """138****1234."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 rather than 欧某.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "澹台",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "赫连",
        "申屠",
        "太史",
        "钟离",
        "宗政",
        "濮阳",
        "公冶",
        "淳于",
        "单于",
    ]
)


def mask_name(name: str) -> str:
    """The surname and 某 (张某), the usual way to anonymise a Chinese name."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return _("%(surname)s某") % {"surname": surname}
