from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from registry.accounts.services import account_password_set
from registry.models import AuditEvent, User


class RegistryAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saved through the accounts service (it revokes tokens)."""

    def save(self, commit: bool = True) -> Any:
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data["password1"] if usable else None
        return account_password_set(user=self.user, password=password, via="admin")


@admin.register(User)
class RegistryUserAdmin(UserAdmin):
    change_password_form = RegistryAdminPasswordChangeForm
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
