"""The venue models move to the venues app, last step: `Disclosure.venue` points at
`venues.Venue` and the old models leave the emissions app's state. State only: the tables keep
their names (`emissions_venue`, ...), so an existing database keeps every row."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('emissions', '0003_venue_models_leave_fields'),
        ('venues', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='disclosure',
                    name='venue',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='venues.venue'),
                ),
                migrations.DeleteModel(
                    name='ChecklistAnswer',
                ),
                migrations.DeleteModel(
                    name='ChecklistItem',
                ),
                migrations.DeleteModel(
                    name='ExportJob',
                ),
                migrations.DeleteModel(
                    name='Review',
                ),
                migrations.DeleteModel(
                    name='ReviewAssignment',
                ),
                migrations.DeleteModel(
                    name='ReviewPhase',
                ),
                migrations.DeleteModel(
                    name='Venue',
                ),
            ],
            database_operations=[],
        ),
    ]
