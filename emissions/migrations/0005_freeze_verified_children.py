from django.db import migrations

# A verified disclosure's recomputations and linked systems are part of the evidence: they are
# frozen with it. New recomputations may still be added (a catalog change is re-verified as a
# new row); existing ones are never changed or removed, and the links never change.
FREEZE_CHILDREN = """
CREATE OR REPLACE FUNCTION emissions_verified_child_frozen() RETURNS trigger AS $$
DECLARE
    parent bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        parent := NEW.disclosure_id;
    ELSE
        parent := OLD.disclosure_id;
    END IF;
    IF EXISTS (SELECT 1 FROM emissions_disclosure WHERE id = parent AND state = 'verified')
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM emissions_disclosure WHERE id = NEW.disclosure_id AND state = 'verified'))
    THEN
        RAISE EXCEPTION 'verified disclosure % is frozen: % on % is not allowed',
            parent, TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER emissions_recomputation_verified_frozen
    BEFORE UPDATE OR DELETE ON emissions_recomputation
    FOR EACH ROW EXECUTE FUNCTION emissions_verified_child_frozen();

CREATE TRIGGER emissions_linked_systems_verified_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON emissions_disclosure_linked_systems
    FOR EACH ROW EXECUTE FUNCTION emissions_verified_child_frozen();
"""

UNFREEZE_CHILDREN = """
DROP TRIGGER IF EXISTS emissions_recomputation_verified_frozen ON emissions_recomputation;
DROP TRIGGER IF EXISTS emissions_linked_systems_verified_frozen
    ON emissions_disclosure_linked_systems;
DROP FUNCTION IF EXISTS emissions_verified_child_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("emissions", "0004_venue_models_move_to_venues")]

    operations = [migrations.RunSQL(FREEZE_CHILDREN, UNFREEZE_CHILDREN)]
