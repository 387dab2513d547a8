"""The what-if rows are chosen once (`emissions.charts.what_if_bars`): the disclosure page's
chart and table and the review packet show the same rows for the same disclosure."""

from __future__ import annotations

import base64
import re

import pytest

from emissions.models import Recomputation
from tests.factories.venues import what_if_block
from venues.exports.collect import packet_data_for
from venues.exports.packet import packet_html

pytestmark = pytest.mark.django_db

HARDWARE = [("A100", 0.9), ("V100", 2.1), ("H100-SXM", 0.6), ("T4", 1.4), ("L4", 0.7)]


@pytest.fixture
def disclosure(paper):  # noqa: ANN001, ANN201
    block = what_if_block(52.4)
    block["regions"]["lowest"]["intensity_g_per_kwh"] = 25
    block["hardware"] = [{"accelerator": name, "tco2e": 52.4 * k} for name, k in HARDWARE]
    Recomputation.objects.filter(disclosure=paper.disclosure).update(
        result={"recomputed": {"what_if": block}}
    )
    return paper.disclosure


def _svg_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', svg)


def test_the_page_and_the_packet_show_the_same_what_if_rows(client, world, disclosure) -> None:  # noqa: ANN001
    client.force_login(world.researcher)
    response = client.get(f"/disclosures/{disclosure.pk}/")
    page_rows = [(bar.label, round(bar.value, 6)) for bar in response.context["what_if_bars"]]

    packet = packet_data_for(disclosure)
    packet_rows = [(bar.label, round(bar.value, 6)) for bar in packet.what_if]
    chart = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', packet_html(packet))
    packet_svg = base64.b64decode(chart.group(1)).decode()

    assert page_rows == packet_rows
    assert [label for label, _ in page_rows] == [
        "This training run (gross)",
        "Same energy in Sweden",
        "Same energy in South Africa",
        "On H100-SXM",
        "On L4",
        "On A100",
    ]
    assert _svg_labels(packet_svg) == [label for label, _ in page_rows]
    page = response.content.decode()
    assert "Same energy in Sweden (25 g/kWh)" in page
    assert "On T4" not in page and "On T4" not in packet_svg


@pytest.mark.parametrize(
    "label",
    [
        "Same energy in gcp northamerica-northeast1 (2 g/kWh)",
        "Same energy in azure southafricanorth (706 g/kWh)",
        "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    ],
)
def test_a_long_what_if_label_is_cut_to_fit_left_of_the_bars(label: str) -> None:
    """Measured with the font the packet uses, bold as the disclosed run's row is drawn; a
    label wider than the label column would be clipped at the chart's left edge."""
    from pathlib import Path

    from PIL import ImageFont

    from venues.exports.charts import LABEL_WIDTH, chart_label

    font_file = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    if not font_file.exists():
        pytest.skip("DejaVu Sans Bold is not installed (Debian package fonts-dejavu-core)")
    font = ImageFont.truetype(str(font_file), 11)
    shown = chart_label(label)
    assert shown.endswith("…") and len(shown) > 30
    if not label.startswith("W"):  # a realistic label fits; a row of W's is the worst case
        assert font.getlength(shown) <= LABEL_WIDTH - 6
