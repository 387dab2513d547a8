import pytest

from incidents.normalise import normalise_url, source_domain


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://www.example.com/a/b/", "http://example.com/a/b"),
        ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1#top", "https://EXAMPLE.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=zz", "https://example.com/a"),
    ],
)
def test_it_makes_variants_of_one_url_equal(a, b):
    assert normalise_url(a) == normalise_url(b)


def test_it_keeps_different_articles_apart():
    assert normalise_url("https://example.com/a") != normalise_url("https://example.com/b")


def test_it_takes_the_host_without_www_or_port():
    assert source_domain("https://www.NYTimes.com:443/2020/x") == "nytimes.com"
