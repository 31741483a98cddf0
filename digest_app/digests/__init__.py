"""Digests: a period of news as one document, in stories and sections, exported to read and share.

    from digest_app.digests.build import build_digest
    from digest_app.digests.export import export_digest
    from digest_app.digests.options import DigestOptions
    from digest_app.digests.saved import save_digest

    digest = save_digest(lib, build_digest(lib, DigestOptions(since="7d", max_stories=30)))
    export_digest(digest, "~/xiaomi-this-week.pdf")

Modules, in the order a digest is made:

- ``options``: what a digest covers (period, query, tags, sources, lengths);
- ``build``: scope -> candidates -> stories -> sections and key figures;
- ``stories`` (grouping with :mod:`digest_app.nlp.cluster`, summaries, importance),
  ``figures`` (numbers stated, with what they measure);
- ``model``: the built digest as frozen records, and its JSON;
- ``saved``: digests kept in the library (``lib.digests``), rebuilt from their options;
- ``export`` with ``render_html``, ``render_markdown``, ``epub``, ``pdf`` (+ ``pdf_finish``)
  and ``rich_text`` (Qt's HTML for the PDF and the reader view), ``wording``, ``files``.

Only ``pdf`` imports Qt (QtGui, offscreen when there is no window). This package
imports nothing itself, so a light module (``options``, ``wording``) stays light.
"""
