"""Admin of the editors' system <-> model links. Adding and deleting go through the one
write path (`emissions.services.system_links`), so the admin is audited like the link page;
a link is never edited in place (unlink and link again, each with its audit event)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from emissions.models import SystemModelLink
from emissions.services.system_links import (
    may_link_systems,
    system_link_create,
    system_link_remove,
)


@admin.register(SystemModelLink)
class SystemModelLinkAdmin(admin.ModelAdmin):
    list_display = ("system", "relation", "model_name", "disclosure", "linked_by", "linked_at")
    list_filter = ("relation",)
    search_fields = ("system__name", "model_name", "source")
    autocomplete_fields = ("system",)
    raw_id_fields = ("disclosure",)
    fields = ("system", "relation", "model_name", "disclosure", "source")
    readonly_fields = ("linked_by", "linked_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_link_systems(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_link_systems(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_link_systems(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_link_systems(request.user)

    def save_model(
        self, request: HttpRequest, obj: SystemModelLink, form: Any, change: bool
    ) -> None:
        made = system_link_create(
            actor=request.user,
            system_id=obj.system_id,
            relation=obj.relation,
            model_name=obj.model_name,
            disclosure_id=obj.disclosure_id,
            source=obj.source,
        )
        obj.pk = made.pk

    def delete_model(self, request: HttpRequest, obj: SystemModelLink) -> None:
        system_link_remove(actor=request.user, link_id=obj.pk, reason="Removed in the admin")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in list(queryset.values_list("pk", flat=True)):
            system_link_remove(actor=request.user, link_id=pk, reason="Removed in the admin")
