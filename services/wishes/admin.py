from django.contrib import admin

from governance.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin, TimelineInline
from services.wishes.models import Wish, WishEvent


class WishEventInline(TimelineInline):
    model = WishEvent


@admin.register(Wish)
class WishAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A read-only register; moderation and claims go through the wish pages."""

    list_display = ["tracking_code", "text", "category", "status", "community", "created_at"]
    list_filter = ["status", "category", "created_at"]
    list_select_related = ["community"]
    search_fields = ["tracking_code", "text"]
    date_hierarchy = "created_at"
    inlines = [WishEventInline]
    # Personal data stays on the moderation page (the resident's own words may name people).
    exclude = ["poster_name", "poster_mobile", "photo", "fulfilment_photo", "original_text"]
