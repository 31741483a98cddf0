"""Made-up Xiaomi news for tests that need many distinct articles (no third-party text).

Sentences are drawn from a small vocabulary with a seeded generator, so two
articles never share enough word triples to count as copies of one story, and
the same seed always gives the same feed.

    >>> body = article_paragraphs(random.Random(1), paragraphs=4)
    >>> feed = synthetic_feed("Feed 3", "http://127.0.0.1:8000/", count=20, seed=3)
"""

from __future__ import annotations

import random
from html import escape

from tests.support.loopback import rss_feed

_SUBJECTS = (
    "Xiaomi", "Redmi", "Lei Jun", "the SU7 team", "HyperOS engineers", "Xiaomi's chip unit",
    "the Mi Home store", "the YU7 programme", "Xiaomi's board", "POCO", "the Beijing factory",
    "analysts at the bank", "suppliers in Shenzhen", "the smartphone division", "the EV unit",
)
_VERBS = (
    "announced", "confirmed", "delayed", "expanded", "priced", "shipped", "tested", "reviewed",
    "doubled", "trimmed", "unveiled", "upgraded", "licensed", "reported", "previewed", "opened",
)
_OBJECTS = (
    "a new battery pack", "its quarterly deliveries", "the camera module", "a software update",
    "the charging network", "an in-house processor", "the export plan", "a folding phone",
    "the retail footprint", "its smart home range", "the autonomous driving stack", "a tablet",
    "the wearable line", "a television panel", "its cloud services", "the service centres",
)
_DETAILS = (
    "in Europe", "ahead of schedule", "after a long review", "for the second time this year",
    "with a lower price", "across twelve provinces", "despite supply limits", "in a short statement",
    "for developers", "with partners in India", "before the holiday season", "at an event in Beijing",
    "with a new warranty", "for older models", "in three colours", "through online stores",
)


def sentence(rng: random.Random) -> str:
    number = rng.randint(2, 990)
    words = (
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_DETAILS)}, "
        f"according to {number} people who follow {rng.choice(_OBJECTS)} {rng.choice(_DETAILS)}."
    )
    return words[0].upper() + words[1:]


def article_paragraphs(rng: random.Random, paragraphs: int = 4, sentences: int = 4) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(sentences)) for _ in range(paragraphs)]


def article_html(rng: random.Random, paragraphs: int = 4) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in article_paragraphs(rng, paragraphs))


def synthetic_feed(title: str, site: str, *, count: int, seed: int, paragraphs: int = 4) -> bytes:
    """An RSS feed of *count* full articles (no teasers: nothing to fetch for them)."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        items.append({
            "title": f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} ({seed}-{n})",
            "guid": f"{site}story/{seed}/{n}",
            "pubDate": f"Mon, {1 + n % 28:02d} Sep 2026 {n % 24:02d}:15:00 GMT",
            "content": article_html(rng, paragraphs),
        })
    return rss_feed(title, items, link=site)
