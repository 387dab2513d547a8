"""The editors' admin for the catalog.

Who may edit is one rule (the editor role; staff hold every role), not Django's per-model
permission rows. Every save or delete of an incident or report goes through the history
service, which records a field-by-field diff; the "History" button of an incident or report
shows those events (and every other audited action on it, such as merges).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from incidents.models import (
    Classification,
    ClassificationValue,
    Entity,
    EntityRedirect,
    Incident,
    IncidentEntity,
    IncidentLink,
    IncidentRedirect,
    Report,
    Taxonomy,
    TaxonomyField,
)
from incidents.services.classifications import (
    InvalidClassificationValue,
    classification_refresh_facets,
    classification_values_clean,
)
from incidents.services.entities import entity_rename
from incidents.services.history import (
    catalog_history,
    catalog_snapshot,
    record_change,
    record_deletion,
)
from incidents.services.taxonomy_fields import (
    taxonomy_field_record_change,
    taxonomy_field_snapshot,
)
from registry.models import Role

BEFORE_ATTRIBUTE = "_catalog_snapshot_before"
# Where a record came from is set by the importer, not edited by hand.
PROVENANCE = ("source", "source_license", "source_attribution")


class EditorPermissionMixin:
    """Editors (and staff) may view and change the catalog; nobody else may."""

    def _is_editor(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.has_role(Role.EDITOR))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_editor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_editor(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_editor(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_editor(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_editor(request)


class EditorInline(EditorPermissionMixin, admin.TabularInline):
    extra = 0


class HistoryRecordingAdmin(EditorPermissionMixin, admin.ModelAdmin):
    """Snapshot before the form's changes are saved, diff after the related objects are."""

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        before = None
        if change:
            # The form has already written its values onto `obj`: read the stored state.
            before = catalog_snapshot(type(obj)._default_manager.get(pk=obj.pk))
        setattr(request, BEFORE_ATTRIBUTE, before)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        record_change(
            actor=request.user,  # type: ignore[arg-type]
            instance=form.instance,
            before=getattr(request, BEFORE_ATTRIBUTE, None),
            after=catalog_snapshot(form.instance),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_deletion(actor=request.user, instance=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            record_deletion(actor=request.user, instance=obj)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "events": [_history_row(event) for event in catalog_history(instance=obj)],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "incidents/admin_history.html", context)


def _history_row(event: Any) -> dict[str, Any]:
    data = dict(event.data or {})
    changes = data.pop("changes", None) or {}
    return {
        "event": event,
        "changes": [
            {"field": name, "from": _shown(change.get("from")), "to": _shown(change.get("to"))}
            for name, change in changes.items()
        ],
        "other_data": json.dumps(data, indent=2, ensure_ascii=False) if data else "",
    }


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class IncidentEntityInline(EditorInline):
    model = IncidentEntity
    autocomplete_fields = ["entity"]
    verbose_name = "entity role"


class IncidentLinkInline(EditorInline):
    model = IncidentLink
    fk_name = "incident"
    autocomplete_fields = ["other"]
    verbose_name = "curated similar or dissimilar incident"


@admin.register(Incident)
class IncidentAdmin(HistoryRecordingAdmin):
    list_display = ("id", "title", "date", "date_precision", "source", "modified_at")
    list_filter = ("date_precision", "source")
    search_fields = ("=id", "title", "description")
    readonly_fields = (
        "created_at", "modified_at", "source", "source_license", "source_attribution",
    )  # fmt: skip
    fields = (
        "title",
        "description",
        ("date", "date_precision"),
        "editors",
        "editor_notes",
        ("created_at", "modified_at"),
        ("source", "source_license", "source_attribution"),
    )
    inlines = [IncidentEntityInline, IncidentLinkInline]


@admin.register(Report)
class ReportAdmin(HistoryRecordingAdmin):
    list_display = ("number", "title", "source_domain", "kind", "date_published", "flagged")
    list_filter = ("kind", "flagged", "language", "source")
    search_fields = ("=number", "title", "url", "source_domain")
    autocomplete_fields = ["incidents"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("url_normalised", "created_at", "modified_at", "source",
                       "source_license", "source_attribution")  # fmt: skip


@admin.register(Entity)
class EntityAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("slug", "name", "source")
    search_fields = ("slug", "name", "aliases")
    readonly_fields = ("created_at", "modified_at", *PROVENANCE)

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # A new name or slug goes through the rename service (audited, old slug redirected);
        # the other fields are saved as they are.
        stored = Entity.objects.get(pk=obj.pk)
        name, slug = obj.name, obj.slug
        obj.name, obj.slug = stored.name, stored.slug
        super().save_model(request, obj, form, change)
        renamed = entity_rename(actor=request.user, entity=obj, name=name, slug=slug)  # type: ignore[arg-type]
        obj.name, obj.slug = renamed.name, renamed.slug


class TaxonomyFieldInline(EditorInline):
    model = TaxonomyField
    fields = ("field_number", "short_name", "long_name", "display_type", "permitted_values",
              "weight", "instant_facet", "required", "public", "internal")  # fmt: skip


@admin.register(Taxonomy)
class TaxonomyAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("namespace", "name", "public", "weight")
    search_fields = ("namespace", "name")
    readonly_fields = PROVENANCE
    inlines = [TaxonomyFieldInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not TaxonomyField:
            super().save_formset(request, form, formset, change)
            return
        before = {
            f.pk: taxonomy_field_snapshot(f)
            for f in TaxonomyField.objects.filter(taxonomy=form.instance)
        }
        super().save_formset(request, form, formset, change)
        for tax_field in TaxonomyField.objects.filter(taxonomy=form.instance):
            taxonomy_field_record_change(
                actor=request.user,  # type: ignore[arg-type]
                tax_field=tax_field,
                before=before.get(tax_field.pk),
            )


@admin.register(TaxonomyField)
class TaxonomyFieldAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("taxonomy", "short_name", "display_type", "public", "internal",
                    "instant_facet", "weight")  # fmt: skip
    list_filter = ("taxonomy", "display_type", "public", "internal")
    search_fields = ("short_name", "long_name")

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        before = None
        if change:
            before = taxonomy_field_snapshot(TaxonomyField.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        taxonomy_field_record_change(
            actor=request.user,  # type: ignore[arg-type]
            tax_field=obj,
            before=before,
        )


class ClassificationValueForm(forms.ModelForm):
    """Checks a value against its field the way every other write path does."""

    class Meta:
        model = ClassificationValue
        fields = ("field", "value")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tax_field = data.get("field")
        if tax_field is not None and "value" in data:
            name = tax_field.short_name
            try:
                cleaned = classification_values_clean(
                    fields={name: tax_field}, values={name: data["value"]}
                )
            except InvalidClassificationValue as exc:
                raise ValidationError(str(exc)) from exc
            data["value"] = cleaned.get(name)
        return data


class ClassificationValueInline(EditorInline):
    model = ClassificationValue
    form = ClassificationValueForm
    autocomplete_fields = ["field"]


@admin.register(Classification)
class ClassificationAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("id", "taxonomy", "incident", "report", "publish")
    list_filter = ("taxonomy", "publish")
    search_fields = ("=incident__id", "=report__number", "facets")
    autocomplete_fields = ["incident", "report"]
    readonly_fields = ("facets", *PROVENANCE)
    inlines = [ClassificationValueInline]

    def save_related(
        self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        classification_refresh_facets(classification=form.instance)


@admin.register(IncidentRedirect)
class IncidentRedirectAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("old_id", "target", "created_at")
    search_fields = ("=old_id", "=target__id")
    autocomplete_fields = ["target"]


@admin.register(EntityRedirect)
class EntityRedirectAdmin(EditorPermissionMixin, admin.ModelAdmin):
    list_display = ("old_slug", "target", "created_at")
    search_fields = ("old_slug", "target__slug")
    autocomplete_fields = ["target"]
