from django import template

from volunteers.teams import decides_hours

register = template.Library()


@register.simple_tag(takes_context=True)
def decides_any_hours(context):
    """Whether the Approvals tab means anything to this user."""
    return decides_hours(context["request"].user)
