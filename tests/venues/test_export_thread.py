"""Without a broker the packet ZIP is built in a background thread: the chair's request
answers at once with the progress page, and the build finishes after it."""

import threading

import pytest
from django.urls import reverse

from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory
from venues.models import ExportJob
from venues.services import exports as venue_exports

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_request_returns_before_the_build_and_the_build_finishes(
    client, venue, world, settings, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EXPORT_BUILD_IN_THREAD = True
    paper = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="42", state="submitted"
    )
    RecomputationFactory(disclosure=paper)
    release = threading.Event()
    build = venue_exports.export_job_build

    def held_build(*, job_id: int):  # noqa: ANN202
        assert release.wait(timeout=60), "the test never released the build"
        return build(job_id=job_id)

    monkeypatch.setattr(venue_exports, "export_job_build", held_build)
    client.force_login(world.chair)
    response = client.post(reverse("venues:export_start", args=[venue.slug]), {"paper_size": "A4"})
    job = ExportJob.objects.get()
    # The request is answered while the build is still held: it did not run inside it.
    assert (response.status_code, job.state) == (302, "queued")
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' in page
    (thread,) = [t for t in threading.enumerate() if t.name == f"venue-export-{job.pk}"]
    release.set()
    thread.join(timeout=120)
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.progress_total) == ("done", 2, 2)
