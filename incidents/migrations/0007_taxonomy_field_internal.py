from django.db import migrations, models

# A frozen copy of incidents.importers.taxonomies.INTERNAL_FIELDS: annotation bookkeeping
# columns of the AIID snapshot, by namespace prefix.
INTERNAL_FIELDS = {
    "CSET": ("Incident Number", "Annotator", "Annotation Status", "Peer Reviewer", "Quality Control"),
}


def mark_internal(apps, schema_editor):
    TaxonomyField = apps.get_model("incidents", "TaxonomyField")
    for prefix, names in INTERNAL_FIELDS.items():
        TaxonomyField.objects.filter(
            taxonomy__namespace__startswith=prefix, short_name__in=names
        ).update(internal=True)
    # Their values leave the public facet arrays (search documents follow at the next reindex).
    schema_editor.execute(STRIP_INTERNAL_FACETS)


STRIP_INTERNAL_FACETS = """
UPDATE incidents_classification c
SET facets = ARRAY(
    SELECT f FROM unnest(c.facets) f
    WHERE NOT EXISTS (
        SELECT 1 FROM incidents_taxonomyfield tf JOIN incidents_taxonomy t ON t.id = tf.taxonomy_id
        WHERE tf.internal AND t.id = c.taxonomy_id
          AND starts_with(f, t.namespace || ':' || tf.short_name || ':')))
WHERE EXISTS (SELECT 1 FROM incidents_taxonomyfield tf
              WHERE tf.internal AND tf.taxonomy_id = c.taxonomy_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_submission_idempotency_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="taxonomyfield",
            name="internal",
            field=models.BooleanField(
                default=False,
                help_text="Annotation bookkeeping: shown to editors only, never to the public.",
            ),
        ),
        migrations.RunPython(mark_internal, migrations.RunPython.noop),
    ]
