"""Storage layer: the SQLite library, its schema and migrations, and search.

No Qt here. The GUI and the CLI both go through :class:`Library`.
"""

from digest_app.store.articles import ArticleFilter
from digest_app.store.library import Library

__all__ = ["Library", "ArticleFilter"]
