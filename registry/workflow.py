"""The one mechanism behind every state machine of the registry.

A domain declares its transition table once (action -> allowed source states, target state,
roles that may perform it); `apply_transition` is the only code that changes a workflow state.
It locks the row, checks the table and the actor, writes the new state and an audit event in
one transaction, and leaves side effects to the caller's `transaction.on_commit` hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from registry.models import AuditEvent, User

M = TypeVar("M", bound=models.Model)


class TransitionNotAllowed(Exception):
    """The action is not in the table for the current state, or the actor may not perform it."""

    def __init__(self, message: str, *, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed = sorted(allowed)


@dataclass
class BulkOutcome:
    """What one action applied to many records did: the ids it was done for, and why it was
    refused for the others (each record has its own transaction; a refusal undoes nothing)."""

    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    # A predicate on (actor, record): role and ownership checks live with the table.
    permitted: Callable[[User | None, Any], bool]
    reason_required: bool = False
    label: str = ""
    # A rule about the record rather than the actor (say, the state of its evidence): returns
    # why the action is refused now, in words, or "" when it may go ahead.
    refusal: Callable[[User | None, Any], str] | None = None

    def refused_because(self, actor: User | None, record: Any) -> str:
        return self.refusal(actor, record) if self.refusal is not None else ""


@dataclass(frozen=True)
class TransitionTable:
    name: str
    transitions: Mapping[str, Transition] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, *transitions: Transition) -> TransitionTable:
        return cls(name=name, transitions={t.action: t for t in transitions})

    def actions_from(self, state: str) -> list[str]:
        return sorted(a for a, t in self.transitions.items() if state in t.sources)

    def available_to(self, actor: User | None, record: Any, state: str) -> list[str]:
        return [
            a
            for a in self.actions_from(state)
            if self.transitions[a].permitted(actor, record)
            and not self.transitions[a].refused_because(actor, record)
        ]

    def refusals(self, actor: User | None, record: Any, state: str) -> dict[str, str]:
        """Actions the actor could take from `state` but that a record rule refuses, and why."""
        refused = {}
        for a in self.actions_from(state):
            if self.transitions[a].permitted(actor, record):
                why = self.transitions[a].refused_because(actor, record)
                if why:
                    refused[a] = why
        return refused

    def states(self) -> set[str]:
        states: set[str] = set()
        for t in self.transitions.values():
            states |= t.sources
            states.add(t.target)
        return states


def audit(
    *,
    actor: User | None,
    subject: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event for a domain action that is not a state transition."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_actor_label(actor),
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def _actor_label(actor: User | None) -> str:
    if actor is None or not actor.pk:
        return "system"
    return actor.get_username()


def apply_transition(
    *,
    table: TransitionTable,
    model: type[M],
    pk: int,
    action: str,
    actor: User | None,
    reason: str = "",
    state_field: str = "state",
    updates: Callable[[M], Iterable[str]] | None = None,
    data: dict[str, Any] | None = None,
) -> M:
    """Perform `action` on the row `pk` of `model`; return the locked, updated instance.

    Side effects: one AuditEvent row. Raises TransitionNotAllowed naming the allowed actions.
    Concurrent calls on one row serialise on SELECT ... FOR UPDATE, so exactly one of two
    racing decisions wins and the other sees the new state and is refused.
    """
    transition = table.transitions.get(action)
    with transaction.atomic():
        record = model._default_manager.select_for_update().get(pk=pk)
        current = getattr(record, state_field)
        if transition is None or current not in transition.sources:
            allowed = table.available_to(actor, record, current)
            raise TransitionNotAllowed(
                f"'{action}' is not allowed from '{current}'; allowed: "
                + (", ".join(allowed) if allowed else "none"),
                allowed=allowed,
            )
        if not transition.permitted(actor, record):
            raise TransitionNotAllowed(
                f"you may not '{action}' this {table.name}",
                allowed=table.available_to(actor, record, current),
            )
        if transition.reason_required and not reason.strip():
            raise TransitionNotAllowed(f"'{action}' needs a reason")
        refused = transition.refused_because(actor, record)
        if refused:
            raise TransitionNotAllowed(refused, allowed=table.available_to(actor, record, current))
        setattr(record, state_field, transition.target)
        changed = [state_field]
        if updates is not None:
            changed.extend(updates(record))
        if hasattr(record, "modified_at"):
            changed.append("modified_at")
        record.save(update_fields=list(dict.fromkeys(changed)))
        audit(
            actor=actor,
            subject=record,
            action=action,
            from_state=current,
            to_state=transition.target,
            reason=reason,
            data=data,
        )
    return record
