from django import template

from governance import formatting

register = template.Library()
register.filter("percent", formatting.percent)
register.filter("duration", formatting.duration)
register.filter("distance", formatting.distance)
register.filter("labelled", formatting.labelled)
register.filter("figure", formatting.figure)
