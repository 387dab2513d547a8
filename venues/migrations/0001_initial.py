"""The venues app takes over the venue models of the emissions app (issue 12) with their
tables, which keep their names (`emissions_venue`, `emissions_reviewassignment`, ...): the
models enter this app's state only, no table is created, and an existing database keeps every
row. The content types of the moved models are relabelled, so permissions and admin log
entries that point at them follow. (Audit events keep the `subject_type` they were written
with: the audit log is append-only.)"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = (
    "venue",
    "reviewphase",
    "checklistitem",
    "reviewassignment",
    "review",
    "checklistanswer",
    "exportjob",
)


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        # A fresh database has no rows yet (post_migrate creates them under the new label).
        if content_type.objects.using(db).filter(app_label=new, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def content_types_to_venues(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "emissions", "venues")


def content_types_to_emissions(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "venues", "emissions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('emissions', '0003_venue_models_leave_fields'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('manual', 'Assigned by hand'), ('automatic', 'Balanced automatic assignment'), ('import', 'Imported from a file')], max_length=10)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('assigned_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('disclosure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_assignments', to='emissions.disclosure')),
                        ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_assignments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'emissions_reviewassignment',
                        'ordering': ['venue', 'disclosure', 'reviewer'],
                    },
                ),
                migrations.CreateModel(
                    name='Review',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('completeness', models.PositiveSmallIntegerField(help_text='How completely the disclosure reports its compute: 1 (barely) to 5 (fully)')),
                        ('recommendation', models.CharField(choices=[('verify', 'Verify'), ('request_changes', 'Request changes'), ('reject', 'Reject')], max_length=16)),
                        ('comments', models.TextField(blank=True)),
                        ('submitted_at', models.DateTimeField(auto_now_add=True)),
                        ('modified_at', models.DateTimeField(auto_now=True)),
                        ('assignment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='review', to='venues.reviewassignment')),
                    ],
                    options={
                        'db_table': 'emissions_review',
                        'ordering': ['assignment__disclosure', 'submitted_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Venue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=100, unique=True)),
                        ('name', models.CharField(max_length=200)),
                        ('starts_on', models.DateField(blank=True, null=True)),
                        ('ends_on', models.DateField(blank=True, null=True)),
                        ('submission_deadline', models.DateTimeField(blank=True, null=True)),
                        ('review_deadline', models.DateTimeField(blank=True, null=True)),
                        ('decision_deadline', models.DateTimeField(blank=True, null=True)),
                        ('reviewers_per_paper', models.PositiveSmallIntegerField(default=3)),
                        ('chairs', models.ManyToManyField(blank=True, related_name='chaired_venues', to=settings.AUTH_USER_MODEL)),
                        ('reviewers', models.ManyToManyField(blank=True, related_name='reviewing_venues', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'emissions_venue',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ReviewPhase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100)),
                        ('starts_at', models.DateTimeField()),
                        ('reviewers_may_review', models.BooleanField(default=False)),
                        ('reviewers_see_other_reviews', models.BooleanField(default=False)),
                        ('authors_see_reviews', models.BooleanField(default=False)),
                        ('chairs_may_decide', models.BooleanField(default=False)),
                        ('venue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='phases', to='venues.venue')),
                    ],
                    options={
                        'db_table': 'emissions_reviewphase',
                        'ordering': ['venue', 'starts_at'],
                    },
                ),
                migrations.AddField(
                    model_name='reviewassignment',
                    name='venue',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='venues.venue'),
                ),
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('page_size', models.CharField(default='A4', max_length=6)),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Building'), ('done', 'Ready to download'), ('failed', 'Failed'), ('expired', 'Expired')], default='queued', max_length=8)),
                        ('progress_done', models.PositiveIntegerField(default=0)),
                        ('progress_total', models.PositiveIntegerField(default=0)),
                        ('file_name', models.CharField(blank=True, max_length=200)),
                        ('size_bytes', models.BigIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('venue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to='venues.venue')),
                    ],
                    options={
                        'db_table': 'emissions_exportjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ChecklistItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField()),
                        ('label', models.CharField(max_length=200)),
                        ('question', models.TextField()),
                        ('guidance', models.TextField(blank=True)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('venue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checklist_items', to='venues.venue')),
                    ],
                    options={
                        'db_table': 'emissions_checklistitem',
                        'ordering': ['venue', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ChecklistAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('answer', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('na', 'NA')], max_length=3)),
                        ('justification', models.TextField(blank=True)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='venues.checklistitem')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='venues.review')),
                    ],
                    options={
                        'db_table': 'emissions_checklistanswer',
                        'ordering': ['review', 'item__position', 'item_id'],
                        'constraints': [models.UniqueConstraint(fields=('review', 'item'), name='checklist_answer_once'), models.CheckConstraint(condition=models.Q(('answer__in', ['yes', 'no', 'na'])), name='checklist_answer_valid'), models.CheckConstraint(condition=models.Q(('answer', 'yes'), models.Q(('justification', ''), _negated=True), _connector='OR'), name='checklist_answer_no_or_na_justified')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.CheckConstraint(condition=models.Q(('completeness__gte', 1), ('completeness__lte', 5)), name='review_completeness_range'),
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.CheckConstraint(condition=models.Q(('recommendation__in', ['verify', 'request_changes', 'reject'])), name='review_recommendation_valid'),
                ),
                migrations.AddConstraint(
                    model_name='venue',
                    constraint=models.CheckConstraint(condition=models.Q(('starts_on__isnull', True), ('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='venue_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='venue',
                    constraint=models.CheckConstraint(condition=models.Q(('reviewers_per_paper__gte', 1), ('reviewers_per_paper__lte', 10)), name='venue_reviewers_per_paper_range'),
                ),
                migrations.AddConstraint(
                    model_name='reviewphase',
                    constraint=models.UniqueConstraint(fields=('venue', 'starts_at'), name='review_phase_start_unique'),
                ),
                migrations.AddIndex(
                    model_name='reviewassignment',
                    index=models.Index(fields=['venue', 'reviewer'], name='emissions_r_venue_i_2ffd51_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reviewassignment',
                    constraint=models.UniqueConstraint(fields=('disclosure', 'reviewer'), name='review_assignment_once'),
                ),
                migrations.AddConstraint(
                    model_name='reviewassignment',
                    constraint=models.CheckConstraint(condition=models.Q(('source__in', ['manual', 'automatic', 'import'])), name='review_assignment_source_valid'),
                ),
                migrations.AddIndex(
                    model_name='exportjob',
                    index=models.Index(fields=['state', 'expires_at'], name='emissions_e_state_15d815_idx'),
                ),
                migrations.AddConstraint(
                    model_name='exportjob',
                    constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed', 'expired'])), name='export_job_state_valid'),
                ),
                migrations.AddConstraint(
                    model_name='exportjob',
                    constraint=models.CheckConstraint(condition=models.Q(('page_size__in', ['A4', 'Letter'])), name='export_job_page_size_valid'),
                ),
                migrations.AddConstraint(
                    model_name='exportjob',
                    constraint=models.CheckConstraint(condition=models.Q(('progress_done__lte', models.F('progress_total')), ('progress_total', 0), _connector='OR'), name='export_job_progress_bounded'),
                ),
                migrations.AddConstraint(
                    model_name='checklistitem',
                    constraint=models.UniqueConstraint(fields=('venue', 'code'), name='checklist_item_code_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_venues, content_types_to_emissions),
    ]
