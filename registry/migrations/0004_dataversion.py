from django.db import migrations, models


def create_row(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("registry", "DataVersion").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_audit_no_truncate")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="dataversion_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
