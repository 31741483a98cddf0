"""Lead images cached for offline reading, shown at the top of the article.

Feeds and pages name an article's lead image (``image_url``); stored content
never loads it from the web. A refresh downloads it (images only, size-capped,
through the polite fetcher) and the library keeps it (:mod:`digest_app.store.images`);
the article's content then starts with a figure whose source is the local
``digest-image:<id>`` address the reader serves from disk::

    >>> images = {entry.image_url: fetcher.fetch_image(entry.image_url, max_bytes=MAX_IMAGE_BYTES)}
    >>> [stored] = with_cached_images(lib, [entry], images)
    >>> stored.content_html
    '<figure><img src="digest-image:…" alt=""></figure><p>…'

An article whose image is already in the library gets the same figure without a
download, so storing the same entry again finds it unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from html import escape

from digest_app.collect.http import MiB, FetchedImage
from digest_app.collect.sanitize import sanitize_html, text_to_html
from digest_app.records import ParsedArticle
from digest_app.store import Library
from digest_app.store.images import image_id_for, local_url

#: The largest lead image kept (most are 50-300 KB).
MAX_IMAGE_BYTES = 2 * MiB


def with_cached_images(
    lib: Library, articles: Sequence[ParsedArticle], downloaded: Mapping[str, FetchedImage]
) -> list[ParsedArticle]:
    """*articles* with their lead image in front of the content, where the library has it.

    *downloaded* maps an ``image_url`` to the image just fetched for it; those
    are stored first. Articles whose image is neither downloaded nor cached are
    returned unchanged.
    """
    out = []
    for article in articles:
        url = article.image_url
        image_id = None
        if url and url in downloaded:
            image = downloaded[url]
            image_id = lib.images.add(url, image.mime, image.data)
        elif url:
            image_id = image_id_for(url) if lib.images.path_for(image_id_for(url)) else None
        out.append(with_lead_image(article, image_id) if image_id else article)
    return out


def with_lead_image(article: ParsedArticle, image_id: str) -> ParsedArticle:
    """*article* whose content opens with its cached lead image (*image_id*)."""
    local = local_url(image_id)
    body = article.content_html or text_to_html(article.text)
    if local in body or not article.image_url:
        return dataclasses.replace(article, image_id=image_id)
    remote = article.image_url
    html = sanitize_html(
        f'<figure><img src="{escape(remote, quote=True)}" alt=""></figure>{body}',
        image_src=lambda src: local if src == remote else None,
    )
    return dataclasses.replace(article, content_html=html, image_id=image_id)
