"""The transition table as a property: random action sequences by random people.

Whatever happens: no path reaches verified without a reviewer's or chair's action; a
verified row never changes afterwards; every accepted transition writes exactly one audit
event and lands in the table's target state; every refused one writes none.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from emissions.models import Disclosure, DisclosureState
from emissions.services.disclosures import disclosure_update
from emissions.services.errors import DisclosureNotEditable
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import DISCLOSURE_WORKFLOW, disclosure_transition
from registry.models import AuditEvent, Role
from registry.workflow import TransitionNotAllowed
from tests.emissions.conftest import make_disclosure

PEOPLE = ["researcher", "other_researcher", "reviewer", "conflicted_reviewer", "chair", "staff"]
ACTIONS = [*DISCLOSURE_WORKFLOW.transitions, "edit", "recompute"]
# Half the time the person the action is meant for acts, so sequences get past the first
# steps; the other half anyone does, which is where refusals must hold.
NATURAL_ACTOR = {
    "submit": "researcher",
    "withdraw": "researcher",
    "edit": "researcher",
    "recompute": "researcher",
    "claim": "reviewer",
    "assign": "chair",
    "release": "reviewer",
    "request_changes": "reviewer",
    "verify": "reviewer",
    "reject": "chair",
    "override": "reviewer",
    "confirm_override": "chair",
    "decline_override": "chair",
}
# The steps towards a decision come up more often than the ones that end the story early.
WEIGHTED_ACTIONS = ACTIONS + ["submit", "recompute", "claim", "verify"] * 3
STEP = st.sampled_from(WEIGHTED_ACTIONS).flatmap(
    lambda action: st.tuples(
        st.just(action),
        st.sampled_from([NATURAL_ACTOR[action]] * len(PEOPLE) + PEOPLE),
        st.booleans(),
    )
)
STEPS = st.lists(STEP, min_size=1, max_size=14)


class Rollback(Exception):
    pass


def transition_events(disclosure):
    return AuditEvent.objects.filter(
        subject_type="emissions.disclosure",
        subject_id=disclosure.pk,
        action__in=list(DISCLOSURE_WORKFLOW.transitions),
    )


def run_steps(world, steps) -> str:
    """Apply the steps to a fresh draft, checking the invariants after each; the end state."""
    disclosure = make_disclosure(world, "draft")
    frozen = None
    for action, who, with_reason in steps:
        actor = getattr(world, who)
        before_state = Disclosure.objects.get(pk=disclosure.pk).state
        before_events = transition_events(disclosure).count()
        accepted = False
        try:
            if action == "recompute":
                disclosure_recompute(disclosure_id=disclosure.pk)
            elif action == "edit":
                disclosure_update(
                    disclosure_id=disclosure.pk, actor=actor, fields={"claim_tco2e": 40.0}
                )
            else:
                extra = {"reviewer": world.reviewer} if action == "assign" else {}
                disclosure_transition(
                    action=action,
                    disclosure_id=disclosure.pk,
                    actor=actor,
                    reason="Because." if with_reason else "",
                    **extra,
                )
                accepted = True
        except (TransitionNotAllowed, ValidationError, DisclosureNotEditable):
            pass
        row = Disclosure.objects.filter(pk=disclosure.pk).values().get()
        events = transition_events(disclosure)
        if action in DISCLOSURE_WORKFLOW.transitions:
            assert events.count() == before_events + (1 if accepted else 0)
            if accepted:
                last = events.order_by("-id").first()
                target = DISCLOSURE_WORKFLOW.transitions[action].target
                assert (last.action, last.from_state, last.to_state, row["state"]) == (
                    action,
                    before_state,
                    target,
                    target,
                )
        assert row["state"] in DisclosureState.values
        if frozen is not None:
            assert row == frozen
        if row["state"] == DisclosureState.VERIFIED:
            frozen = frozen or row
            verify = events.filter(action__in=["verify", "override"]).order_by("-id").first()
            assert verify.actor.has_role(Role.REVIEWER)
            assert verify.actor_id != disclosure.owner_id
            assert verify.reason.strip()
            if verify.action == "override":
                # A lone override publishes nothing: someone else confirmed it.
                confirm = events.get(action="confirm_override")
                assert confirm.actor_id not in (verify.actor_id, disclosure.owner_id)
    return Disclosure.objects.get(pk=disclosure.pk).state


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_it_holds_the_workflow_invariants_for_any_sequence(world, steps):
    try:
        with transaction.atomic():
            event(f"ended {run_steps(world, steps)}")
            raise Rollback
    except Rollback:
        pass


def test_it_reaches_verified_on_the_documented_path(world):
    with transaction.atomic():
        final = run_steps(
            world,
            [
                ("submit", "researcher", False),
                ("recompute", "researcher", False),
                ("claim", "reviewer", False),
                ("verify", "reviewer", True),
                ("edit", "researcher", False),
                ("reject", "chair", True),
            ],
        )
        assert final == "verified"
