import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from emissions.models import Disclosure, ReviewConflict
from emissions.selectors import disclosures_for_reviewer
from emissions.services.comments_and_conflicts import (
    disclosure_comment,
    disclosure_declare_conflict,
)
from emissions.services.disclosures import (
    disclosure_amend,
    disclosure_create,
    disclosure_import_from_codecarbon,
    disclosure_import_from_hf_card,
    disclosure_update,
)
from emissions.services.errors import (
    AmendmentRefused,
    CommentRefused,
    ConflictDeclarationRefused,
    DisclosureNotEditable,
)
from emissions.services.workflow import disclosure_submit
from registry.models import AuditEvent
from tests.emissions.conftest import make_disclosure, valid_fields
from tests.paths import CODECARBON_SAMPLE


def test_it_creates_a_draft_with_one_audit_event(world):
    disclosure = disclosure_create(owner=world.researcher, fields=valid_fields())
    events = AuditEvent.objects.filter(
        subject_id=disclosure.pk, subject_type="emissions.disclosure"
    )
    assert (disclosure.state, [e.action for e in events]) == ("draft", ["create"])


def test_it_returns_the_first_disclosure_for_a_repeated_idempotency_key(world):
    key = uuid.uuid4()
    first = disclosure_create(owner=world.researcher, fields=valid_fields(), idempotency_key=key)
    second = disclosure_create(owner=world.researcher, fields=valid_fields(), idempotency_key=key)
    assert (first.pk, Disclosure.objects.count()) == (second.pk, 1)


def test_it_scopes_idempotency_keys_to_their_owner(world):
    key = uuid.uuid4()
    disclosure_create(owner=world.researcher, fields=valid_fields(), idempotency_key=key)
    disclosure_create(owner=world.other_researcher, fields=valid_fields(), idempotency_key=key)
    assert Disclosure.objects.count() == 2


def test_it_names_the_run_field_the_estimator_refuses(world):
    runs = [{"accelerator": "A100-80GB", "count": 8, "hours": -1}]
    with pytest.raises(ValidationError) as error:
        disclosure_create(owner=world.researcher, fields=valid_fields(runs=runs))
    assert list(error.value.message_dict) == ["runs[0].hours"]


def test_it_names_an_unknown_run_field(world):
    runs = [{"accelerator": "A100-80GB", "count": 8, "hours": 10, "power_kw": 0.4}]
    with pytest.raises(ValidationError) as error:
        disclosure_create(owner=world.researcher, fields=valid_fields(runs=runs))
    assert list(error.value.message_dict) == ["runs[0].power_kw"]


def test_it_requires_the_activated_share_of_a_sparse_model(world):
    with pytest.raises(ValidationError) as error:
        disclosure_create(owner=world.researcher, fields=valid_fields(architecture="sparse"))
    assert list(error.value.message_dict) == ["activated_share"]


def test_it_drops_an_activated_share_given_for_a_dense_model(world):
    disclosure = disclosure_create(
        owner=world.researcher, fields=valid_fields(architecture="dense", activated_share=0.5)
    )
    assert disclosure.activated_share is None


def test_it_refuses_fields_that_are_not_the_researchers_to_write(world):
    with pytest.raises(ValidationError) as error:
        disclosure_create(owner=world.researcher, fields=valid_fields(state="verified"))
    assert error.value.message_dict == {"state": ["This field cannot be written."]}


def test_it_refuses_a_malformed_doi(world):
    with pytest.raises(ValidationError) as error:
        disclosure_create(owner=world.researcher, fields=valid_fields(doi="not-a-doi"))
    assert list(error.value.message_dict) == ["doi"]


def test_it_stores_the_runs_in_the_estimators_canonical_spelling(world):
    runs = [{"accelerator": "tpu-v3", "count": 8.0, "hours": 10, "location": {"country": "fr"}}]
    disclosure = disclosure_create(owner=world.researcher, fields=valid_fields(runs=runs))
    assert disclosure.runs == [
        {"accelerator": "TPU v3", "count": 8, "hours": 10, "location": {"country": "FRA"}}
    ]


def test_it_lets_the_owner_edit_a_draft_and_audits_the_fields(world, draft):
    disclosure_update(disclosure_id=draft.pk, actor=world.researcher, fields={"claim_tco2e": 47.0})
    event = AuditEvent.objects.get(subject_id=draft.pk, action="edit")
    assert event.data == {"fields": ["claim_tco2e"]}


def test_it_changes_the_input_hash_when_the_claim_changes(world, draft):
    before = draft.input_hash
    edited = disclosure_update(
        disclosure_id=draft.pk, actor=world.researcher, fields={"claim_tco2e": 47.0}
    )
    assert edited.input_hash != before


def test_it_refuses_an_edit_by_someone_else(world, draft):
    with pytest.raises(DisclosureNotEditable):
        disclosure_update(
            disclosure_id=draft.pk, actor=world.other_researcher, fields={"claim_tco2e": 1.0}
        )


def test_it_refuses_to_edit_a_submitted_disclosure(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(DisclosureNotEditable, match="cannot be edited"):
        disclosure_update(
            disclosure_id=submitted.pk, actor=world.researcher, fields={"claim_tco2e": 1.0}
        )


def test_it_refuses_to_edit_a_verified_disclosure_pointing_to_amendment(world):
    verified = make_disclosure(world, "verified")
    with pytest.raises(DisclosureNotEditable, match="amend it instead"):
        disclosure_update(
            disclosure_id=verified.pk, actor=world.researcher, fields={"claim_tco2e": 1.0}
        )


def test_it_amends_a_verified_disclosure_as_a_new_version(world):
    verified = make_disclosure(world, "verified")
    amendment = disclosure_amend(disclosure_id=verified.pk, actor=world.researcher)
    assert (amendment.state, amendment.version, amendment.supersedes_id) == (
        "draft",
        2,
        verified.pk,
    )
    assert (amendment.runs, amendment.claim_tco2e) == (verified.runs, verified.claim_tco2e)


def test_it_keeps_the_superseded_version_verified_and_unchanged(world):
    verified = make_disclosure(world, "verified")
    before = Disclosure.objects.filter(pk=verified.pk).values().get()
    disclosure_amend(disclosure_id=verified.pk, actor=world.researcher)
    assert Disclosure.objects.filter(pk=verified.pk).values().get() == before


def test_it_refuses_a_second_live_amendment(world):
    verified = make_disclosure(world, "verified")
    disclosure_amend(disclosure_id=verified.pk, actor=world.researcher)
    with pytest.raises(AmendmentRefused, match="already has an amendment"):
        disclosure_amend(disclosure_id=verified.pk, actor=world.researcher)


def test_it_refuses_to_amend_someone_elses_disclosure(world):
    verified = make_disclosure(world, "verified")
    with pytest.raises(AmendmentRefused):
        disclosure_amend(disclosure_id=verified.pk, actor=world.other_researcher)


def test_it_refuses_to_amend_a_draft(world, draft):
    with pytest.raises(AmendmentRefused, match="edit this one instead"):
        disclosure_amend(disclosure_id=draft.pk, actor=world.researcher)


def test_it_imports_a_codecarbon_file_as_a_tool_tracked_draft(world):
    result = disclosure_import_from_codecarbon(
        owner=world.researcher,
        csv_data=CODECARBON_SAMPLE.read_bytes(),
        fields={"model_name": "Sample"},
    )
    disclosure = result.disclosure
    assert (disclosure.state, disclosure.method, disclosure.tool_name) == (
        "draft",
        "tool",
        "CodeCarbon",
    )
    assert disclosure.runs and disclosure.claim_energy_kwh is not None


def test_it_refuses_a_codecarbon_file_that_is_not_one(world):
    with pytest.raises(ValidationError) as error:
        disclosure_import_from_codecarbon(
            owner=world.researcher, csv_data=b"a,b\n1,2\n", fields={"model_name": "X"}
        )
    assert list(error.value.message_dict) == ["file"]


def test_it_refuses_an_oversized_import(world):
    with pytest.raises(ValidationError, match="larger than"):
        disclosure_import_from_hf_card(
            owner=world.researcher, card_data=b"x" * (3 * 1024 * 1024), fields={"model_name": "X"}
        )


def test_it_imports_a_hugging_face_card(world):
    card = (
        "---\nco2_eq_emissions:\n  emissions: 24_700_000\n  source: Luccioni et al. 2022\n"
        "  training_type: pre-training\n  geographical_location: France\n"
        "  hardware_used: 384 A100 GPUs\n---\n# Model\n"
    )
    result = disclosure_import_from_hf_card(
        owner=world.researcher, card_data=card, fields={"model_name": "Card model"}
    )
    assert result.disclosure.claim_tco2e == pytest.approx(24.7)


def test_it_lets_a_reviewer_comment_and_mails_the_researcher(
    world, django_capture_on_commit_callbacks
):
    submitted = make_disclosure(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_comment(disclosure_id=submitted.pk, author=world.reviewer, body="Which PUE?")
    assert [m.to for m in mail.outbox] == [["rita@uni-a.example"]]


def test_it_mails_nobody_when_the_researcher_replies(world, django_capture_on_commit_callbacks):
    submitted = make_disclosure(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_comment(disclosure_id=submitted.pk, author=world.researcher, body="1.12")
    assert mail.outbox == []


def test_it_refuses_a_comment_from_a_conflicted_reviewer(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(CommentRefused):
        disclosure_comment(
            disclosure_id=submitted.pk, author=world.conflicted_reviewer, body="Looks fine"
        )


def test_it_refuses_an_empty_comment(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(CommentRefused, match="Write something"):
        disclosure_comment(disclosure_id=submitted.pk, author=world.reviewer, body="   ")


def test_it_releases_a_disclosure_when_its_reviewer_recuses(world):
    in_review = make_disclosure(world, "in_review")
    disclosure_declare_conflict(
        disclosure_id=in_review.pk,
        reviewer=world.reviewer,
        actor=world.reviewer,
        reason="co-author",
    )
    in_review.refresh_from_db()
    assert (in_review.state, in_review.assigned_reviewer) == ("submitted", None)
    assert in_review not in disclosures_for_reviewer(world.reviewer)


def test_it_lets_a_chair_declare_a_reviewers_conflict(world):
    submitted = make_disclosure(world, "submitted")
    disclosure_declare_conflict(
        disclosure_id=submitted.pk, reviewer=world.reviewer, actor=world.chair, reason="advisor"
    )
    assert ReviewConflict.objects.filter(disclosure=submitted, reviewer=world.reviewer).exists()


def test_it_refuses_a_conflict_declared_by_another_reviewer(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(ConflictDeclarationRefused):
        disclosure_declare_conflict(
            disclosure_id=submitted.pk, reviewer=world.reviewer, actor=world.conflicted_reviewer
        )


def test_it_recomputes_a_revision_with_its_new_input(world, django_capture_on_commit_callbacks):
    returned = make_disclosure(world, "changes_requested")
    disclosure_update(
        disclosure_id=returned.pk, actor=world.researcher, fields={"claim_tco2e": 46.5}
    )
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_submit(disclosure_id=returned.pk, actor=world.researcher)
    assert returned.recomputations.count() == 2
