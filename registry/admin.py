from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from registry.models import AuditEvent, User


@admin.register(User)
class RegistryUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Registry", {"fields": ("role", "organisation")}))
    list_display = ("username", "email", "role", "organisation", "is_staff")
    list_filter = ("role", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "subject_type",
        "subject_id",
        "action",
        "from_state",
        "to_state",
    )
    list_filter = ("subject_type", "action")
    search_fields = ("actor_label", "reason")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
