"""A one-in-thirty-two sample of the report word index (hand-written, search-only).

"Every report" for a common word matches half the reports; counting them, or their facets,
means visiting half the report table (the fat rows with the texts), which takes longer than the
search. The search counts the matches in this partial index instead and multiplies by 32,
flagging the total and the facet counts as estimates (search/pg_sql.py).
"""

from django.db import migrations

SAMPLE_MODULUS = 32

FORWARD = f"""
CREATE INDEX report_search_sample_gin ON incidents_report USING gin (search_vector)
    WHERE number % {SAMPLE_MODULUS} = 0;
"""

BACKWARD = "DROP INDEX IF EXISTS report_search_sample_gin;"


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_search_documents")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
