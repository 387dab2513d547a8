"""The venue models move to the venues app (issue 12), first step: their relations leave the
emissions app's migration state. State only: no table or column changes; see
venues/migrations/0001_initial.py."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('emissions', '0002_venue_review_phases_assignments_reviews_exports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='checklistanswer',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='checklistanswer',
                    name='review',
                ),
                migrations.RemoveField(
                    model_name='checklistitem',
                    name='venue',
                ),
                migrations.RemoveField(
                    model_name='exportjob',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='exportjob',
                    name='venue',
                ),
                migrations.RemoveField(
                    model_name='review',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='reviewassignment',
                    name='assigned_by',
                ),
                migrations.RemoveField(
                    model_name='reviewassignment',
                    name='disclosure',
                ),
                migrations.RemoveField(
                    model_name='reviewassignment',
                    name='reviewer',
                ),
                migrations.RemoveField(
                    model_name='reviewassignment',
                    name='venue',
                ),
                migrations.RemoveField(
                    model_name='reviewphase',
                    name='venue',
                ),
                migrations.RemoveField(
                    model_name='venue',
                    name='chairs',
                ),
                migrations.RemoveField(
                    model_name='venue',
                    name='reviewers',
                ),
            ],
            database_operations=[],
        ),
    ]
