"""classifications_<Namespace>.csv: taxonomies from headers, validated values, facets."""

from __future__ import annotations

from incidents.models import Classification, ClassificationValue, TaxonomyField
from tests.factories.aiid import MIT_ROBUSTNESS, AiidSnapshot


def test_it_creates_the_mit_taxonomy_with_its_enums(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).classification("MIT", 1, MIT_ROBUSTNESS)
    run_import(snapshot.write(tmp_path))
    fields = TaxonomyField.objects.filter(taxonomy__namespace="MIT")
    assert [(f.short_name, f.display_type, len(f.permitted_values)) for f in fields] == [
        ("Risk Domain", "enum", 7),
        ("Risk Subdomain", "enum", 23),
        ("Entity", "enum", 3),
        ("Timing", "enum", 3),
        ("Intent", "enum", 3),
    ]


def test_it_writes_facets_from_the_values(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).classification("MIT", 1, MIT_ROBUSTNESS)
    run_import(snapshot.write(tmp_path))
    assert Classification.objects.get().facets == [
        "MIT:Entity:AI",
        "MIT:Intent:Unintentional",
        "MIT:Risk Domain:7. AI system safety, failures, and limitations",
        "MIT:Risk Subdomain:7.3. Lack of capability or robustness",
        "MIT:Timing:Post-deployment",
    ]


def test_it_keeps_an_enum_value_containing_commas_whole(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).classification("MIT", 1, MIT_ROBUSTNESS)
    run_import(snapshot.write(tmp_path))
    value = ClassificationValue.objects.get(field__short_name="Risk Domain").value
    assert value == "7. AI system safety, failures, and limitations"


def test_it_skips_a_row_with_an_unknown_mit_value(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).incident(2)
    snapshot.classification("MIT", 1, ["8. Boredom", *MIT_ROBUSTNESS[1:]])
    snapshot.classification("MIT", 2, MIT_ROBUSTNESS)
    summary = run_import(snapshot.write(tmp_path))
    assert [e.as_dict() for e in summary.errors] == [
        {
            "file": "classifications_MIT.csv",
            "line": 2,
            "message": "unknown taxonomy value: Risk Domain: '8. Boredom' is not one of its "
            "permitted values; row skipped",
        }
    ]
    assert list(Classification.objects.values_list("incident_id", flat=True)) == [2]


def test_it_names_repeated_header_columns_apart(run_import, tmp_path):
    header = ["AI System", "Clear link to technology", "AI System"]
    snapshot = AiidSnapshot().incident(1)
    snapshot.classification("CSETv1", 1, ["yes", "maybe", "no"], header=header)
    run_import(snapshot.write(tmp_path))
    values = dict(ClassificationValue.objects.values_list("field__short_name", "value"))
    assert values == {
        "AI System": "yes",
        "Clear link to technology": "maybe",
        "AI System (2)": "no",
    }
    assert TaxonomyField.objects.get(short_name="AI System (2)").long_name == "AI System"


def test_it_splits_list_fields_joined_with_comma_space(run_import, tmp_path):
    header = ["Known AI Goal", "Known AI Goal Snippets"]
    snapshot = AiidSnapshot().incident(1)
    snapshot.classification(
        "GMF", 1, ["Content Recommendation, Content Search", "Snippet Text: a, b, c"], header=header
    )
    run_import(snapshot.write(tmp_path))
    values = dict(ClassificationValue.objects.values_list("field__short_name", "value"))
    assert values == {
        "Known AI Goal": ["Content Recommendation", "Content Search"],
        "Known AI Goal Snippets": "Snippet Text: a, b, c",
    }


def test_it_infers_flags_and_long_text_fields(run_import, tmp_path):
    header = ["Estimated Date", "Notes", "Location City"]
    snapshot = AiidSnapshot().incident(1).incident(2)
    snapshot.classification("CSETv1", 1, ["False", "line one\nline two", "Tempe"], header=header)
    snapshot.classification("CSETv1", 2, ["True", "", ""], header=header)
    run_import(snapshot.write(tmp_path))
    types = dict(
        TaxonomyField.objects.filter(taxonomy__namespace="CSETv1").values_list(
            "short_name", "display_type"
        )
    )
    assert types == {"Estimated Date": "bool", "Notes": "long_string", "Location City": "string"}
    assert Classification.objects.get(incident_id=1).facets == [
        "CSETv1:Estimated Date:No",
        "CSETv1:Location City:Tempe",
    ]


def test_it_marks_annotation_bookkeeping_internal_and_keeps_it_out_of_facets(
    run_import, tmp_path
):
    header = ["Annotator", "Peer Reviewer", "Quality Control", "Annotation Status", "Deployed"]
    snapshot = AiidSnapshot().incident(1)
    snapshot.classification(
        "CSETv1", 1, ["007", "002", "False", "6. Complete and final", "yes"], header=header
    )
    run_import(snapshot.write(tmp_path))
    internal = dict(
        TaxonomyField.objects.filter(taxonomy__namespace="CSETv1").values_list(
            "short_name", "internal"
        )
    )
    assert internal == {
        "Annotator": True,
        "Peer Reviewer": True,
        "Quality Control": True,
        "Annotation Status": True,
        "Deployed": False,
    }
    assert Classification.objects.get(incident_id=1).facets == ["CSETv1:Deployed:yes"]


def test_it_reads_the_published_flag(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1)
    snapshot.classification("MIT", 1, MIT_ROBUSTNESS, published="False")
    run_import(snapshot.write(tmp_path))
    assert Classification.objects.get().publish is False


def test_it_skips_a_classification_of_an_incident_not_in_the_catalog(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).classification("MIT", 99, MIT_ROBUSTNESS)
    summary = run_import(snapshot.write(tmp_path))
    assert [(e.file, e.line, e.message) for e in summary.errors] == [
        ("classifications_MIT.csv", 2, "incident 99 was not imported from aiid; row skipped")
    ]


def test_it_updates_a_classification_whose_values_changed(run_import, tmp_path):
    first = AiidSnapshot().incident(1).classification("MIT", 1, MIT_ROBUSTNESS)
    run_import(first.write(tmp_path / "one"))
    second = AiidSnapshot().incident(1)
    second.classification("MIT", 1, [*MIT_ROBUSTNESS[:4], "Intentional"])
    summary = run_import(second.write(tmp_path / "two"))
    assert summary.classifications.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    assert "MIT:Intent:Intentional" in Classification.objects.get().facets
