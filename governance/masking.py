"""Masking of personal data (PIPL: minimum necessary). The one place that decides how a
phone number or a name looks to someone who does not need it in full."""

from django.utils.translation import gettext as _


def mask_mobile(mobile: str) -> str:
    """138****1234."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


def mask_name(name: str) -> str:
    """The surname and 某 (张某), the usual way to anonymise a Chinese name."""
    name = (name or "").strip()
    if not name:
        return ""
    return _("%(surname)s某") % {"surname": name[0]}
