"""Search documents, hand-written: the columns, indexes and text search configuration that the
search service reads. Every object here is search-only and rebuildable by
`manage.py search_index --rebuild`; none of them is in a model's state, so `makemigrations`
never sees them and the models stay as their owners wrote them.

- `registry_english`: the english configuration with `unaccent` in front of the stemmer, so
  "Québec" and "Quebec" are one lexeme.
- `registry_unaccent(text)`: an IMMUTABLE wrapper of unaccent (which is only STABLE) so that
  trigram expression indexes can use it.
- `registry_tsvector_agg(tsvector)`: concatenation as an aggregate, to build an incident's
  document from its reports' stored vectors without parsing their text again.
- Incidents and reports: `search_vector` (already a model field) holds the whole weighted
  document, matched through its GIN index; `search_title` the title alone, small enough to rank
  every match of a common word cheaply before the whole documents of the best ones are ranked;
  `search_length` the document's length (distinct words), so the rank's length normalisation is
  not recomputed per query; `search_facets` the facet terms ("domain:bbc.co.uk") counted in the
  sidebar and `search_filters` the filter-only ones ("author:...", "incident:12"), each one GIN
  containment test per filter; dates for sorting and filtering.
- `search_vocabulary`: words of titles and descriptions with their document counts, for
  "did you mean" by trigram similarity.
"""

from django.db import migrations

FORWARD = """
CREATE TEXT SEARCH CONFIGURATION registry_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION registry_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE FUNCTION registry_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE AGGREGATE registry_tsvector_agg(tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
);

ALTER TABLE incidents_incident
    ADD COLUMN search_title tsvector,
    ADD COLUMN search_length integer NOT NULL DEFAULT 0,
    ADD COLUMN search_facets text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_filters text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_published date,
    ADD COLUMN search_submitted date;
CREATE INDEX incident_search_facets_gin ON incidents_incident USING gin (search_facets);
CREATE INDEX incident_search_filters_gin ON incidents_incident USING gin (search_filters);
CREATE INDEX incident_title_trgm ON incidents_incident
    USING gin (registry_unaccent(title) gin_trgm_ops);

ALTER TABLE incidents_report
    ADD COLUMN search_title tsvector,
    ADD COLUMN search_length integer NOT NULL DEFAULT 0,
    ADD COLUMN search_facets text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_filters text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_incident_date date;
CREATE INDEX report_search_facets_gin ON incidents_report USING gin (search_facets);
CREATE INDEX report_search_filters_gin ON incidents_report USING gin (search_filters);
CREATE INDEX report_title_trgm ON incidents_report
    USING gin (registry_unaccent(title) gin_trgm_ops);

CREATE TABLE search_vocabulary (
    word text PRIMARY KEY,
    documents integer NOT NULL DEFAULT 1
);
CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gin (word gin_trgm_ops);
"""

BACKWARD = """
DROP TABLE IF EXISTS search_vocabulary;
ALTER TABLE incidents_report DROP COLUMN IF EXISTS search_title,
    DROP COLUMN IF EXISTS search_length, DROP COLUMN IF EXISTS search_facets,
    DROP COLUMN IF EXISTS search_filters, DROP COLUMN IF EXISTS search_incident_date;
DROP INDEX IF EXISTS report_title_trgm;
ALTER TABLE incidents_incident DROP COLUMN IF EXISTS search_title,
    DROP COLUMN IF EXISTS search_length, DROP COLUMN IF EXISTS search_facets,
    DROP COLUMN IF EXISTS search_filters, DROP COLUMN IF EXISTS search_published,
    DROP COLUMN IF EXISTS search_submitted;
DROP INDEX IF EXISTS incident_title_trgm;
DROP AGGREGATE IF EXISTS registry_tsvector_agg(tsvector);
DROP FUNCTION IF EXISTS registry_unaccent(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS registry_english;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_submission_outcome_idempotency_decision"),
        # unaccent and pg_trgm are created there.
        ("registry", "0002_audit_append_only"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
