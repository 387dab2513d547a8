from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.paths import REPO_ROOT
from tests.venues.exports.helpers import pdf_page_size_pt, pdf_text
from venues.exports import ExportOptions, exporter_for

ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture
def packet_text(paper) -> str:  # noqa: ANN001
    return pdf_text(exporter_for("disclosure", "pdf").render(paper.disclosure))


def test_it_shows_the_paper_and_submission(packet_text: str) -> None:
    assert "Exploring the limits of transfer learning" in packet_text
    assert "NeurIPS 2026 #1234" in packet_text
    assert "arXiv:1910.10683" in packet_text


def test_it_shows_claimed_and_recomputed_figures_with_the_range(packet_text: str) -> None:
    assert "46.7 tCO2e" in packet_text  # claimed
    assert "52.4 tCO2e" in packet_text  # recomputed gross
    assert "41.9 tCO2e – 63 tCO2e" in packet_text  # uncertainty range
    assert "0.89×" in packet_text  # claimed / recomputed


def test_it_explains_every_flag(packet_text: str) -> None:
    assert "tco2e_low" in packet_text
    assert "11% below the recomputed 52.4 tCO2e" in packet_text
    assert "pue_default" in packet_text
    assert "MAJOR" in packet_text


def test_it_lists_checklist_answers_reviews_and_audit(packet_text: str) -> None:
    assert "NeurIPS 8. Experiments compute resources" in packet_text
    assert "ACL C1" in packet_text
    assert "PUE source missing, otherwise clear." in packet_text
    assert "draft → submitted" in packet_text


def test_it_draws_the_what_if_chart(paper) -> None:  # noqa: ANN001
    from venues.exports.collect import packet_data_for
    from venues.exports.packet import packet_html

    html = packet_html(packet_data_for(paper.disclosure))
    assert 'src="data:image/svg+xml;base64,' in html


def test_it_renders_a4_and_letter(paper) -> None:  # noqa: ANN001
    exporter = exporter_for("disclosure", "pdf")
    a4 = exporter.render(paper.disclosure, options=ExportOptions(paper_size="A4"))
    letter = exporter.render(paper.disclosure, options=ExportOptions(paper_size="Letter"))
    assert pdf_page_size_pt(a4) == (595, 842)
    assert pdf_page_size_pt(letter) == (612, 792)


def test_it_renders_the_first_page_to_png_for_a_person_to_look_at(paper) -> None:  # noqa: ANN001
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: apt-get install poppler-utils")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "review-packet.pdf"
    pdf.write_bytes(exporter_for("disclosure", "pdf").render(paper.disclosure))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(ARTIFACTS / "review-packet"),
        ],
        check=True,
    )
    png = ARTIFACTS / "review-packet-1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("parameter", ["paper_size", "page_size"])
def test_it_reads_the_paper_size_from_the_download_link(client, world, paper, parameter) -> None:  # noqa: ANN001
    """`?paper_size=Letter`; links published with `?page_size=Letter` keep working."""
    client.force_login(world.chair)
    url = f"/api/v1/disclosures/{paper.disclosure.pk}/export/pdf/"
    response = client.get(url, {parameter: "Letter"})
    assert pdf_page_size_pt(
        b"".join(response.streaming_content) if response.streaming else response.content
    ) == (612, 792)
