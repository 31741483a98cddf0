"""URL canonicalisation: one story, one URL, whatever tracking was stuck on it.

    >>> canonical_url("HTTPS://Example.com:443/a/b/?utm_source=x&id=3#top")
    'https://example.com/a/b?id=3'
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|"
    r"yclid|_ga|_gl|ref_src|ref_url|cmpid|ncid|sr_share|spm|share_source|"
    r"from|ocid|guccounter|guce_referrer|guce_referrer_sig|__twitter_impression|"
    r"outputType|amp)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Every leading mobile, AMP or www label ("m.www.example.com"), while two labels stay.
_MOBILE_HOST = re.compile(r"^(?:(?:m|mobile|amp|www)\.)+(?=[^.]+\.[^.]+)")
_AMP_PATH = re.compile(r"(/amp/?$|\.amp(?=\.html?$)|/amp(?=/))")
_NOT_IN_HOST = re.compile(r"[\s\x00-\x1f\x7f]")
WEB_SCHEMES = ("http", "https")


def is_web_url(url: str | None) -> bool:
    """True for absolute http(s) URLs, the only kind Digest fetches or opens: a host
    without spaces or control characters, and a port if any that is a port number."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for "host:abc" or "host:99999"
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and not _NOT_IN_HOST.search(host or "")


def canonical_url(url: str | None) -> str | None:
    """The URL that identifies a story: lower-case host, no default port, no
    fragment, no tracking parameters, no AMP or mobile variant, no trailing slash.

    Non-web URLs (``file:``) are returned stripped but otherwise unchanged;
    unusable input gives None.
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in WEB_SCHEMES:
            return url
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    host = _MOBILE_HOST.sub("", host)
    # Port 443 goes too: the canonical scheme is https, whatever the given one was.
    netloc = host if port is None or str(port) in (_DEFAULT_PORTS[scheme], "443") else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    path = _AMP_PATH.sub("", path).rstrip("/") or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        )
    )
    return urlunsplit(("https" if scheme == "http" else scheme, netloc, path, query, ""))
