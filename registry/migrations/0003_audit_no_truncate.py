from django.db import migrations

# Row triggers do not fire on TRUNCATE: a statement trigger refuses it too. (A role that owns
# the table could still drop the trigger: production runs the app under a role that does not,
# see `manage.py create_app_role`.)
FORBID_TRUNCATE = """
CREATE TRIGGER registry_auditevent_no_truncate
    BEFORE TRUNCATE ON registry_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION registry_audit_append_only();
"""

ALLOW_TRUNCATE = "DROP TRIGGER IF EXISTS registry_auditevent_no_truncate ON registry_auditevent;"


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_audit_append_only")]

    operations = [migrations.RunSQL(FORBID_TRUNCATE, ALLOW_TRUNCATE)]
