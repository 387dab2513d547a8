"""URL normalisation shared by the importer, the submission queue and the lookup API."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "smtyp",
        "guccounter",
        "_ga",
        "mkt_tok",
        "spm",
        "utm",
    }
)


def source_domain(url: str) -> str:
    """The host of a URL, lower-cased, without `www.` or a port: `nytimes.com`."""
    host = urlsplit(url.strip()).hostname or ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def normalise_url(url: str) -> str:
    """A comparable form of a URL: no scheme, no `www.`, no tracking parameters, no fragment,
    no trailing slash. Two URLs of the same article compare equal after this."""
    parts = urlsplit(url.strip())
    host = source_domain(url)
    if not host:
        return url.strip().lower()
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMETERS
    ]
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, urlencode(sorted(query)), "")).lstrip("/")
