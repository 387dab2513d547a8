"""The move of the venue models from emissions to venues (venues/migrations/0001_initial.py)
keeps an existing database's rows: the database is taken back to the state before the move,
venue data is written through the old models, and migrating forward finds every row under the
new models, with the content types relabelled rather than replaced."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("emissions", "0002_venue_review_phases_assignments_reviews_exports"), ("venues", None)]
MOVED = ("venue", "reviewphase", "checklistitem", "reviewassignment", "review", "exportjob")


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def before_the_move(transactional_db):  # noqa: ANN001, ANN201
    """The migration state before the move; the tables are the same ones throughout."""
    executor = _migrate(BEFORE)
    yield executor.loader.project_state(BEFORE[:1]).apps
    _migrate(executor.loader.graph.leaf_nodes())


def test_it_keeps_every_venue_row_and_relabels_the_content_types(before_the_move) -> None:  # noqa: ANN001
    old = before_the_move
    user = old.get_model("registry", "User").objects.create(username="chair", role="chair")
    venue = old.get_model("emissions", "Venue").objects.create(slug="neurips", name="NeurIPS")
    venue.chairs.add(user)
    old.get_model("emissions", "ReviewPhase").objects.create(
        venue=venue, name="Review", starts_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    disclosure = old.get_model("emissions", "Disclosure").objects.create(
        owner=user, model_name="m", venue=venue
    )
    old.get_model("emissions", "ReviewAssignment").objects.create(
        venue=venue, disclosure=disclosure, reviewer=user, source="manual"
    )
    content_type = old.get_model("contenttypes", "ContentType")
    ids = {
        model: content_type.objects.get_or_create(app_label="emissions", model=model)[0].pk
        for model in MOVED
    }

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = _migrate(leaves).loader.project_state(leaves).apps

    moved_venue = new.get_model("venues", "Venue").objects.get()
    assert (moved_venue.pk, moved_venue.slug) == (venue.pk, "neurips")
    assert list(moved_venue.chairs.values_list("username", flat=True)) == ["chair"]
    assert new.get_model("venues", "ReviewPhase").objects.get().venue_id == venue.pk
    assert new.get_model("venues", "ReviewAssignment").objects.get().disclosure_id == disclosure.pk
    assert new.get_model("emissions", "Disclosure").objects.get().venue_id == venue.pk
    relabelled = new.get_model("contenttypes", "ContentType").objects
    assert {ct.model: ct.pk for ct in relabelled.filter(app_label="venues", model__in=MOVED)} == ids
    assert not relabelled.filter(app_label="emissions", model__in=MOVED).exists()
