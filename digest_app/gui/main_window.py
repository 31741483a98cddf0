"""The main window: sidebar, article list and reader, with toolbar, menus and status bar.

    window = MainWindow(lib, prefs)
    window.show()

Everything slow runs elsewhere: list pages and sidebar counts come from the
:class:`~digest_app.gui.library_thread.LibraryReader` thread, imports and
summaries run as :class:`~digest_app.gui.tasks.Task` s. Small writes (star,
read, tag) go straight through ``lib`` and the affected rows repaint in place.

Extension points for views that live in the reader area (digests):
:meth:`add_reader_view` / :meth:`show_reader_view`, the ``digestSelected(id)``
signal fired by the sidebar's Digests section, :attr:`menus` to add actions to
(e.g. ``menus["article"]``), :meth:`set_themed_icon` for their icons, and
:meth:`run_task` for background work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from digest_app import APP_NAME, __version__
from digest_app.errors import DigestError
from digest_app.gui import formatting, jobs
from digest_app.gui.article_model import ArticleListModel, Listing
from digest_app.gui.article_view import ArticleListView
from digest_app.gui.digest_view import install_digests
from digest_app.gui.icons import app_icon, icon
from digest_app.gui.library_thread import LibraryReader
from digest_app.gui.preferences import MAX_FONT_SIZE, MIN_FONT_SIZE, DEFAULT_FONT_SIZE, Preferences
from digest_app.gui.reader_pane import ReaderPane
from digest_app.gui.search_bar import SearchBar
from digest_app.gui.shortcuts_dialog import ShortcutsDialog
from digest_app.gui.sidebar import Sidebar, SidebarSnapshot, load_sidebar
from digest_app.gui.source_dialog import SourceDialog
from digest_app.gui.task_panel import TaskPanel
from digest_app.gui.tasks import ProcessJob, Task, TaskContext, TaskRunner
from digest_app.gui.theme import apply_theme, current_theme
from digest_app.gui.welcome import WelcomePanel
from digest_app.records import ImportReport
from digest_app.store import ArticleFilter, Library

if TYPE_CHECKING:
    from digest_app.gui.settings_dialog import SettingsChoice
    from digest_app.summaries import SummaryLength

#: Sidebar counts are re-read this long after the last change (batches bursts of s/m presses).
COUNTS_DELAY_MS = 250


def shown_path(path: Path) -> str:
    """*path* with the home folder written as ``~``."""
    try:
        return "~/" + str(Path(path).resolve().relative_to(Path.home()))
    except ValueError:
        return str(path)


class MainWindow(QMainWindow):
    """Digest's window on one library."""

    #: The user chose another library (Settings); the app opens a window on it.
    openLibraryRequested = Signal(Path)
    #: A digest was picked in the sidebar: (digest ID). The digest view shows it.
    digestSelected = Signal(int)
    #: The sidebar's counts were re-read (tests and extensions wait on it).
    sidebarUpdated = Signal()
    #: Larger/Smaller Text or Settings changed the reading size: (pixels).
    readerFontSizeChanged = Signal(int)

    def __init__(self, lib: Library, prefs: Preferences | None = None) -> None:
        super().__init__()
        self.lib = lib
        self.prefs = prefs or Preferences()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(f"{APP_NAME} — {shown_path(lib.path)}")
        self.resize(1280, 800)
        self.reader_thread = LibraryReader(lib.path, self)
        self.reader_thread.failed.connect(lambda message: self.show_message(message))
        # Counts get a connection of their own: at 100,000 articles they take a
        # while, and list pages and searches must never queue behind them.
        self.counts_reader = LibraryReader(lib.path, self)
        self.tasks = TaskRunner(lib.path, self)
        self.tasks.finished.connect(self._task_finished)
        self.snapshot: SidebarSnapshot | None = None
        self._sidebar_key = ""
        self._search_text = ""
        self._sidebar_placed = False
        self._pending_sidebar_key = ""
        self._shut_down = False
        self._themed_actions: list[tuple[QAction, str]] = []
        self.menus: dict[str, QMenu] = {}

        self._build_panes()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self.digests = install_digests(self)
        self._restore_window_state()
        self.reader_pane.reader.set_style(current_theme(), self.prefs.reader_font_size)

        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        # While a refresh runs, what it has stored shows up every couple of seconds.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(2000)
        self._reload_timer.timeout.connect(self._reload_listing)
        self._auto_refresh = QTimer(self)
        self._auto_refresh.timeout.connect(self._auto_refresh_due)
        self._set_auto_refresh()
        self.refresh_counts()
        self._show_last_selection()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    # ==================================================================== building

    def _build_panes(self) -> None:
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(180)

        self.article_model = ArticleListModel(self.lib, self.reader_thread, self)
        self.article_list = ArticleListView(self.article_model)
        list_pane = QWidget()
        list_pane.setObjectName("listPane")
        list_layout = QVBoxLayout(list_pane)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        header = QFrame()
        header.setObjectName("listHeader")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(14, 8, 8, 8)
        self.list_title = QLabel()
        self.list_title.setObjectName("listTitle")
        self.list_info = QLabel()
        self.list_info.setObjectName("listInfo")
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("sortCombo")
        self.sort_combo.addItem("Best match", "relevance")
        self.sort_combo.addItem("Newest first", "newest")
        self.sort_combo.setToolTip("Order of search results")
        self.sort_combo.setCurrentIndex(self.sort_combo.findData(self.prefs.list_sort))
        header_layout.addWidget(self.list_title)
        header_layout.addWidget(self.list_info, 1)
        header_layout.addWidget(self.sort_combo)
        list_layout.addWidget(header)
        list_layout.addWidget(self.article_list, 1)
        list_pane.setMinimumWidth(280)

        self.reader_pane = ReaderPane(image_resolver=self.lib.images.path_for)
        self.reader_area = QStackedWidget()
        self.reader_area.setObjectName("readerArea")
        self.reader_area.addWidget(self.reader_pane)
        # A view that takes the reader's place (a digest) is read on its own: the
        # article list steps aside to give it the width, and comes back with the reader.
        self.list_pane = list_pane
        self.reader_area.currentChanged.connect(
            lambda _index: list_pane.setVisible(self.reader_area.currentWidget() is self.reader_pane)
        )

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(list_pane)
        self.splitter.addWidget(self.reader_area)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([240, 420, 620])

        self.welcome = WelcomePanel()
        self.central = QStackedWidget()
        self.central.addWidget(self.splitter)
        self.central.addWidget(self.welcome)
        self.setCentralWidget(self.central)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcuts: tuple[str | QKeySequence.StandardKey, ...] = (),
        *,
        icon_name: str | None = None,
        tip: str | None = None,
        name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if icon_name:
            self.set_themed_icon(action, icon_name)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setObjectName(name or text.replace("&", "").replace("…", "").lower().replace(" ", "_"))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        # File
        self.import_action = a("&Import Files…", self.choose_files_to_import, ("Ctrl+I",), icon_name="import",
                               tip="Import feeds, OPML, HTML, Markdown or text files")
        self.import_opml_action = a("Import &OPML…", self.choose_opml_to_import, icon_name="import",
                                    tip="Add the feeds listed in an OPML file")
        self.sample_action = a("Load the &Sample Library", self.load_sample, icon_name="sample",
                               tip="Add short Xiaomi stories written for trying Digest out")
        self.open_library_action = a("&Open Library…", self.choose_library, ("Ctrl+O",),
                                     tip="Open another library file, or start a new one")
        self.copy_link_action = a("&Copy Link", self.copy_link, tip="Copy the article's web address")
        self.settings_action = a("&Settings…", self.open_settings, (QKeySequence.StandardKey.Preferences, "Ctrl+,"),
                                 icon_name="settings", tip="Appearance, reading, summaries, refresh, library")
        self.quit_action = a("&Quit", self.close, (QKeySequence.StandardKey.Quit,))
        # Edit
        self.find_action = a("&Find", self.focus_search, ("/", QKeySequence.StandardKey.Find), icon_name="search",
                             tip="Search the library")
        self.save_search_action = a("Save &Search…", lambda: self.ask_save_search(self.search_bar.text()),
                                    icon_name="saved-search", tip="Keep this search in the sidebar")
        # View
        self.next_action = a("&Next Article", lambda: self.article_list.move(1), ("J",))
        self.previous_action = a("&Previous Article", lambda: self.article_list.move(-1), ("K",))
        self.page_action = a("Page Down, Then Next Article", self.page_down_or_next, ("Space",))
        self.larger_action = a("&Larger Text", lambda: self.change_font_size(+1), (QKeySequence.StandardKey.ZoomIn, "Ctrl+="),
                               icon_name="font-larger")
        self.smaller_action = a("S&maller Text", lambda: self.change_font_size(-1), (QKeySequence.StandardKey.ZoomOut,),
                                icon_name="font-smaller")
        self.default_size_action = a("&Default Text Size", lambda: self.set_font_size(DEFAULT_FONT_SIZE), ("Ctrl+0",))
        # Article
        self.star_action = a("&Star", self.toggle_star, ("S",), icon_name="star", tip="Star or unstar (S)")
        self.read_action = a("Mark &Read or Unread", self.toggle_read, ("M",), icon_name="mark-read",
                             tip="Mark read or unread (M)")
        self.tag_action = a("&Tag…", self.focus_tag_editor, ("T",), icon_name="tag", tip="Add a tag (T)")
        self.open_action = a("&Open in Browser", self.open_in_browser, ("O", "Ctrl+Return"), icon_name="open-link",
                             tip="Open the article's page in your web browser")
        # Sources
        self.refresh_action = a("&Refresh", self.refresh, ("R",), icon_name="refresh", tip="Fetch new articles (R)")
        self.refresh_source_action = a("Refresh the Selected S&ource", self.refresh_selected_source,
                                       tip="Fetch new articles from the source selected in the sidebar")
        self.add_source_action = a("&Add Source…", self.ask_add_source, ("Ctrl+N",), icon_name="add",
                                   tip="Subscribe to a feed, a site or an article page")
        self.edit_source_action = a("&Edit Source…", self.edit_selected_source)
        self.remove_source_action = a("Re&move Source…", self.remove_selected_source)
        self.export_opml_action = a("E&xport OPML…", self.choose_opml_to_export, icon_name="export",
                                    tip="Save the library's feeds as an OPML file")
        self.defaults_action = a("Add the &Default Xiaomi Sources", self.add_default_sources, icon_name="feed",
                                 tip="Subscribe to feeds that cover Xiaomi")
        # Help
        self.shortcuts_action = a("&Keyboard Shortcuts", self.show_shortcuts, ("?", QKeySequence.StandardKey.HelpContents))
        self.query_help_action = a("&Search Syntax", self.show_query_help, icon_name="help")
        self.about_action = a("&About Digest", self.show_about)
        self.reader_pane.open_button.setDefaultAction(self.open_action)

    def _build_menus(self) -> None:
        bar = self.menuBar()

        def menu(key: str, title: str, *items: QAction | None) -> QMenu:
            m = bar.addMenu(title)
            for item in items:
                if item is None:
                    m.addSeparator()
                else:
                    m.addAction(item)
            self.menus[key] = m
            return m

        file_menu = menu("file", "&File", self.open_library_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        for item in (None, self.import_action, self.import_opml_action, self.sample_action, None,
                     self.settings_action, None, self.quit_action):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        menu("edit", "&Edit", self.find_action, self.save_search_action)
        menu("view", "&View", self.next_action, self.previous_action, self.page_action, None,
             self.larger_action, self.smaller_action, self.default_size_action)
        menu("article", "&Article", self.star_action, self.read_action, self.tag_action, None, self.open_action,
             self.copy_link_action)
        menu("sources", "&Sources", self.refresh_action, self.refresh_source_action, None, self.add_source_action,
             self.edit_source_action, self.remove_source_action, None, self.import_opml_action,
             self.export_opml_action, self.defaults_action)
        menu("help", "&Help", self.shortcuts_action, self.query_help_action, None, self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Toolbar")
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        toolbar.addAction(self.refresh_action)
        toolbar.addAction(self.add_source_action)
        toolbar.addAction(self.import_action)
        toolbar.addSeparator()
        toolbar.addAction(self.read_action)
        toolbar.addAction(self.star_action)
        toolbar.addAction(self.tag_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search_bar = SearchBar()
        self.search_bar.setMaximumWidth(560)
        toolbar.addWidget(self.search_bar)
        toolbar.addAction(self.settings_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsLabel")
        self.task_panel = TaskPanel(self.tasks)
        status.addPermanentWidget(self.task_panel)
        status.addPermanentWidget(self.counts_label)

    def _connect(self) -> None:
        self.sidebar.selectionKeyChanged.connect(self._sidebar_selected)
        self.sidebar.contextMenuForKey.connect(self._sidebar_menu)
        self.article_list.currentArticleChanged.connect(self._current_article_changed)
        self.article_list.selectionChangedIds.connect(self._selection_changed)
        self.article_list.doubleClicked.connect(lambda _index: self.open_in_browser())
        self.article_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.article_list.customContextMenuRequested.connect(self._article_menu)
        self.setAcceptDrops(True)
        self.article_model.listingLoaded.connect(self._listing_loaded)
        self.article_model.reloaded.connect(self._update_list_header)
        self.article_model.loadFailed.connect(self.show_message)
        self.search_bar.queryChanged.connect(self.search)
        self.search_bar.saveRequested.connect(self.ask_save_search)
        self.search_bar.escaped.connect(self.article_list.setFocus)
        self.sort_combo.currentIndexChanged.connect(self._sort_changed)
        self.reader_pane.tag_editor.tagsAdded.connect(self.add_tags)
        self.reader_pane.tag_editor.tagRemoved.connect(self.remove_tag)
        self.reader_pane.reader.articleLinkClicked.connect(self.open_article)
        self.reader_pane.reader.linkRefused.connect(
            lambda url: self.show_message(f"Not opened: {url} (only web links open, in your browser)")
        )
        self.welcome.sample_button.clicked.connect(self.load_sample)
        self.welcome.import_button.clicked.connect(self.choose_files_to_import)
        self.welcome.sources_button.clicked.connect(self.add_default_sources)

    # ==================================================================== state

    def _restore_window_state(self) -> None:
        geometry, state = self.prefs.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        splitter = self.prefs.splitter_state("main")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_window_state(self) -> None:
        self.prefs.save_window_state(QByteArray(self.saveGeometry()), QByteArray(self.saveState()))
        self.prefs.set_splitter_state("main", QByteArray(self.splitter.saveState()))
        self.prefs.set_last_selection(self.lib.path, self._sidebar_key, self.article_list.current_article_id())
        self.prefs.list_sort = self.sort_combo.currentData()
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self) -> None:
        """Save the window's state, stop background work and the reader threads.

        Safe to call more than once; the library connection stays open for
        whoever owns it (see :func:`digest_app.gui.app.close_window`).
        """
        if self._shut_down:
            return
        self._shut_down = True
        self._counts_timer.stop()
        self._reload_timer.stop()
        self._auto_refresh.stop()
        self.save_window_state()
        self.tasks.cancel_all()
        self.tasks.wait()
        self.reader_thread.close()
        self.counts_reader.close()

    # ==================================================================== sidebar

    def refresh_counts(self) -> None:
        """Re-read the sidebar's counts in the background."""
        self._counts_timer.stop()
        self.counts_reader.submit(load_sidebar, self._apply_snapshot, self._counts_failed, key="sidebar")

    def schedule_counts(self) -> None:
        self._counts_timer.start()

    def _counts_failed(self, error: Exception) -> None:
        self.show_message(f"Could not read the library's counts: {error}")

    def _apply_snapshot(self, snapshot: SidebarSnapshot) -> None:
        self.snapshot = snapshot
        self.sidebar.apply(snapshot)
        colors = snapshot.tag_colors
        self.article_list.delegate.tag_colors = {k: v for k, v in colors.items() if v}
        self.article_list.viewport().update()
        self.reader_pane.tag_editor.set_completions(list(colors))
        self.reader_pane.tag_editor.set_colors(colors)
        self.counts_label.setText(
            f"{formatting.count(snapshot.all, 'article')} · {snapshot.unread:,} unread"
        )
        self._show_welcome(snapshot.is_empty)
        if not self._sidebar_placed and not self._search_text:
            # The list has been showing the last selection since startup; now
            # the sidebar can mark it (or fall back to All when it is gone).
            self._sidebar_placed = True
            if not self.sidebar.select_key(self._sidebar_key):
                self.sidebar.select_key("all")
        if self._pending_sidebar_key and self.sidebar.select_key(self._pending_sidebar_key):
            self._pending_sidebar_key = ""
        listing = self.article_model.listing
        if listing is not None and not listing.is_search and self._sidebar_key:
            self._set_list_title(self.listing_for(self._sidebar_key).title)
        self.sidebarUpdated.emit()

    def _show_last_selection(self) -> None:
        """Start on what was selected when this library was last closed."""
        key, article_id = self.prefs.last_selection(self.lib.path)
        self._sidebar_key = key if key and not key.startswith("digest:") else "all"
        if article_id is not None:
            self.article_list.select_article(article_id)
        self.show_listing(self.listing_for(self._sidebar_key))

    def _show_welcome(self, empty: bool) -> None:
        self.central.setCurrentWidget(self.welcome if empty else self.splitter)
        for action in (self.star_action, self.read_action, self.tag_action, self.find_action,
                       self.next_action, self.previous_action, self.page_action):
            action.setEnabled(not empty)
        self.search_bar.setEnabled(not empty)

    def _sidebar_selected(self, key: str) -> None:
        if key.startswith("digest:"):
            self.digestSelected.emit(int(key.split(":", 1)[1]))
            return
        self.reader_area.setCurrentWidget(self.reader_pane)
        searching = bool(self._search_text)
        if self.search_bar.text():
            self.search_bar.set_text("", emit=False)
            self._search_text = ""
        listing = self.article_model.listing
        if key == self._sidebar_key and listing is not None and not searching:
            # Already showing it (the sidebar caught up with the list).
            return
        self._sidebar_key = key
        self.show_listing(self.listing_for(key))

    def listing_for(self, key: str) -> Listing:
        """What the list shows for a sidebar key."""
        kind, _, value = key.partition(":")
        if kind == "unread":
            return Listing("Unread", ArticleFilter(unread=True))
        if kind == "starred":
            return Listing("Starred", ArticleFilter(starred=True))
        if kind == "today":
            return Listing("Today", ArticleFilter(since=formatting.local_midnight_utc()))
        if kind == "source" and value.isdigit():
            source = next((s for s in (self.snapshot.sources if self.snapshot else ()) if s.id == int(value)), None)
            return Listing(source.title if source else "Source", ArticleFilter(source_id=int(value)))
        if kind == "tag":
            return Listing(value, ArticleFilter(tag=value))
        if kind == "search":
            try:
                return Listing(value, query=self.lib.saved_searches.get(value).query, sort="newest")
            except DigestError:
                pass
        return Listing("All articles")

    def _sidebar_menu(self, key: str, position: Any) -> None:
        kind, _, value = key.partition(":")
        menu = QMenu(self)
        if kind == "tag":
            menu.addAction("Rename…", lambda: self.ask_rename_tag(value))
            menu.addAction("Merge into…", lambda: self.ask_merge_tag(value))
            menu.addAction("Colour…", lambda: self.ask_tag_color(value))
            menu.addSeparator()
            menu.addAction("Delete…", lambda: self.ask_delete_tag(value))
        elif kind == "source":
            source_id = int(value)
            kind = next((s.kind for s in (self.snapshot.sources if self.snapshot else ()) if s.id == source_id), "")
            if kind in ("feed", "page"):
                menu.addAction("Refresh", lambda: self.refresh([source_id]))
            menu.addAction("Edit…", lambda: self.ask_edit_source(source_id))
            menu.addSeparator()
            menu.addAction("Remove…", lambda: self.ask_remove_source(source_id))
        elif kind == "search":
            menu.addAction("Edit the query", lambda: self._edit_saved_search(value))
            menu.addAction("Rename…", lambda: self.ask_rename_saved_search(value))
            menu.addSeparator()
            menu.addAction("Delete…", lambda: self.ask_delete_saved_search(value))
        else:
            return
        menu.exec(position)

    # ==================================================================== the list

    def show_listing(self, listing: Listing) -> None:
        self.article_list.set_search_mode(listing.is_search)
        self.sort_combo.setVisible(listing.is_search and listing.title == "Search")
        self._set_list_title(listing.title)
        self.list_info.setText("")
        self.article_model.set_listing(listing)

    def _set_list_title(self, title: str) -> None:
        self.list_title.setText(title)

    def _listing_loaded(self) -> None:
        self._update_list_header()
        if self.article_list.current_article_id() is None:
            self._selection_changed()

    def _update_list_header(self) -> None:
        model = self.article_model
        listing = model.listing
        if listing is None:
            return
        noun = "result" if listing.is_search else "article"
        info = formatting.count(model.total, noun)
        if model.notes:
            info += " · " + "; ".join(model.notes)
        self.list_info.setText(info)
        self.list_info.setToolTip(model.description)

    def _sort_changed(self) -> None:
        if self._search_text:
            self.search(self._search_text, force=True)

    # ==================================================================== search

    def search(self, text: str, *, force: bool = False) -> None:
        """Show the results of *text* (empty: back to the sidebar's listing)."""
        text = text.strip()
        if text == self._search_text and not force:
            return
        self._search_text = text
        if not text:
            self.show_listing(self.listing_for(self._sidebar_key or "all"))
            self.sidebar.select_key(self._sidebar_key or "all")
            return
        self.sidebar.clear_selection_quietly()
        self.reader_area.setCurrentWidget(self.reader_pane)
        self.show_listing(Listing("Search", query=text, sort=self.sort_combo.currentData()))

    def focus_search(self) -> None:
        if self.search_bar.isEnabled():
            self.search_bar.focus()

    def ask_save_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            self.show_message("Type a search first, then save it.")
            return
        name, ok = QInputDialog.getText(self, "Save Search", "Name in the sidebar:", text=query[:40])
        if ok and name.strip():
            self.save_search(name, query)

    def save_search(self, name: str, query: str) -> None:
        if self._try(lambda: self.lib.saved_searches.add(name, query)):
            self.show_message(f"Saved the search “{name.strip()}”.")
            self.refresh_counts()

    def _edit_saved_search(self, name: str) -> None:
        query = next((s.query for s, _ in (self.snapshot.searches if self.snapshot else ()) if s.name == name), "")
        self.search_bar.set_text(query)
        self.search_bar.focus()

    def ask_rename_saved_search(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Saved Search", "New name:", text=name)
        if ok and new.strip() and new.strip() != name:
            self.rename_saved_search(name, new)

    def rename_saved_search(self, name: str, new: str) -> None:
        renamed: list[str] = []
        if self._try(lambda: renamed.append(self.lib.saved_searches.rename(name, new).name)):
            if self._sidebar_key == f"search:{name}":
                self._sidebar_key = f"search:{renamed[0]}"
                self.sidebar.rename_key(f"search:{name}", self._sidebar_key)
                self.list_title.setText(renamed[0])
            self.refresh_counts()

    def ask_delete_saved_search(self, name: str) -> None:
        if self._confirm(f"Delete the saved search “{name}”?", "The articles stay; only the search goes."):
            if self._try(lambda: self.lib.saved_searches.delete(name)):
                self.refresh_counts()

    # ==================================================================== reading

    def _current_article_changed(self, article_id: int | None) -> None:
        self._selection_changed()

    def _selection_changed(self) -> None:
        ids = self.article_list.selected_ids()
        current = self.article_list.current_article_id()
        colors = self.snapshot.tag_colors if self.snapshot else {}
        if len(ids) > 1:
            headers = self.lib.articles.headers(ids)
            common = set(headers[0].tags) if headers else set()
            for header in headers[1:]:
                common &= set(header.tags)
            self.reader_pane.show_selection(len(ids), sorted(common, key=str.casefold), colors)
        elif current is not None:
            self.show_article(current)
        elif self.article_model.loaded:
            self.reader_pane.show_note(
                "Nothing here yet." if self.article_model.total == 0 else "Select an article to read it."
            )
        self._update_article_actions()

    def show_article(self, article_id: int) -> None:
        """Show an article in the reader and mark it read."""
        try:
            article = self.lib.articles.get(article_id)
        except DigestError as exc:
            self.reader_pane.show_note(str(exc))
            return
        if not article.is_read:
            self.lib.articles.set_read([article_id], True)
            self.article_model.update_articles([article_id])
            self.schedule_counts()
            article = self.lib.articles.get(article_id)
        colors = self.snapshot.tag_colors if self.snapshot else {}
        self.reader_pane.show_article(article, colors)

    def _article_menu(self, position: Any) -> None:
        if not self.target_ids():
            return
        menu = QMenu(self)
        for action in (self.star_action, self.read_action, self.tag_action, None, self.open_action, self.copy_link_action):
            menu.addSeparator() if action is None else menu.addAction(action)
        menu.exec(self.article_list.viewport().mapToGlobal(position))

    def copy_link(self) -> None:
        ids = self.target_ids()
        urls = [h.url for h in self.lib.articles.headers(ids) if h.url]
        if urls:
            QGuiApplication.clipboard().setText("\n".join(urls))
            self.show_message("Copied " + formatting.count(len(urls), "link") + ".")

    def open_article(self, article_id: int) -> None:
        """Show an article from a link: selected in the list if it is there, else just read."""
        if not self.article_list.select_article(article_id):
            self.show_article(article_id)

    def _update_article_actions(self) -> None:
        ids = self.target_ids()
        headers = self.lib.articles.headers(ids) if ids else []
        starred = bool(headers) and all(h.is_starred for h in headers)
        self.star_action.setText("Un&star" if starred else "&Star")
        self.star_action.setIcon(icon("star-filled" if starred else "star", color=current_theme().accent if starred else None))
        self.open_action.setEnabled(len(ids) == 1 and bool(headers and headers[0].url))

    def target_ids(self) -> list[int]:
        """The articles an action applies to: the selection, else the current one."""
        ids = self.article_list.selected_ids()
        if not ids and self.article_list.current_article_id() is not None:
            ids = [self.article_list.current_article_id()]
        return ids

    def page_down_or_next(self) -> None:
        reader = self.reader_pane.reader
        if self.reader_pane.showing_article and reader.can_scroll_down():
            reader.page_down()
        else:
            self.article_list.move(1)

    def toggle_star(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        headers = self.lib.articles.headers(ids)
        star = not all(h.is_starred for h in headers)
        self.lib.articles.set_starred(ids, star)
        self._articles_changed(ids)
        self.show_message(("Starred " if star else "Unstarred ") + formatting.count(len(ids), "article") + ".")

    def toggle_read(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        headers = self.lib.articles.headers(ids)
        read = not all(h.is_read for h in headers)
        self.lib.articles.set_read(ids, read)
        self._articles_changed(ids)

    def focus_tag_editor(self) -> None:
        if self.target_ids():
            self.reader_pane.bar.setVisible(True)
            self.reader_pane.tag_editor.focus_field()

    def add_tags(self, names: list[str]) -> None:
        ids = self.target_ids()
        if ids and self._try(lambda: self.lib.tags.add(ids, names)):
            self._articles_changed(ids, tags=True)

    def remove_tag(self, name: str) -> None:
        ids = self.target_ids()
        if ids and self._try(lambda: self.lib.tags.remove(ids, [name])):
            self._articles_changed(ids, tags=True)

    def _articles_changed(self, ids: list[int], *, tags: bool = False) -> None:
        self.article_model.update_articles(ids)
        self._update_article_actions()
        if tags:
            self._selection_changed()
            self.refresh_counts()
        else:
            self.schedule_counts()

    def open_in_browser(self) -> None:
        ids = self.target_ids()
        if len(ids) != 1:
            return
        headers = self.lib.articles.headers(ids)
        if headers and headers[0].url:
            from PySide6.QtCore import QUrl

            self.reader_pane.reader.anchorClicked.emit(QUrl(headers[0].url))

    def change_font_size(self, step: int) -> None:
        self.set_font_size(self.prefs.reader_font_size + step)

    def set_font_size(self, size: int) -> None:
        size = max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))
        self.prefs.reader_font_size = size
        self.reader_pane.reader.set_style(current_theme(), size)
        self.readerFontSizeChanged.emit(size)
        self.show_message(f"Reader text size {size} px")

    # ==================================================================== tags

    def ask_rename_tag(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Tag", f"New name for “{name}” (an existing tag's name merges the two):", text=name)
        if ok and new.strip() and new.strip() != name:
            self.rename_tag(name, new)

    def rename_tag(self, name: str, new: str) -> None:
        renamed: list[str] = []
        if self._try(lambda: renamed.append(self.lib.tags.rename(name, new).name)):
            self._follow_renamed(f"tag:{name}", f"tag:{renamed[0]}")
            self._tags_changed()

    def ask_merge_tag(self, name: str) -> None:
        others = [t.name for t in (self.snapshot.tags if self.snapshot else ()) if t.name != name]
        if not others:
            self.show_message("There is no other tag to merge into.")
            return
        into, ok = QInputDialog.getItem(self, "Merge Tag", f"Merge “{name}” into:", others, 0, False)
        if ok and into:
            self.merge_tags([name], into)

    def merge_tags(self, names: list[str], into: str) -> None:
        merged: list[str] = []
        if self._try(lambda: merged.append(self.lib.tags.merge(names, into).name)):
            for name in names:
                self._follow_renamed(f"tag:{name}", f"tag:{merged[0]}")
            self._tags_changed()

    def _follow_renamed(self, old_key: str, new_key: str) -> None:
        """What the sidebar had selected now has another key: keep showing it."""
        if self._sidebar_key == old_key and old_key != new_key:
            self._sidebar_key = new_key
            self.sidebar.rename_key(old_key, new_key)
            self.show_listing(self.listing_for(new_key))

    def ask_tag_color(self, name: str) -> None:
        current = next((t.color for t in (self.snapshot.tags if self.snapshot else ()) if t.name == name), None)
        color = QColorDialog.getColor(QColor(current or current_theme().accent), self, f"Colour of “{name}”")
        if color.isValid():
            self.set_tag_color(name, color.name())

    def set_tag_color(self, name: str, color: str | None) -> None:
        if self._try(lambda: self.lib.tags.set_color(name, color)):
            self._tags_changed()

    def ask_delete_tag(self, name: str) -> None:
        if self._confirm(f"Delete the tag “{name}”?", "It is taken off every article; the articles stay."):
            self.delete_tag(name)

    def delete_tag(self, name: str) -> None:
        if self._try(lambda: self.lib.tags.delete(name)):
            self._tags_changed()

    def _tags_changed(self) -> None:
        self.refresh_counts()
        self.article_model.reload()
        self._selection_changed()

    # ==================================================================== sources

    def _selected_source_id(self) -> int | None:
        kind, _, value = self._sidebar_key.partition(":")
        return int(value) if kind == "source" and value.isdigit() else None

    def edit_selected_source(self) -> None:
        source_id = self._selected_source_id()
        if source_id is None:
            self.show_message("Select a source in the sidebar first.")
            return
        self.ask_edit_source(source_id)

    def remove_selected_source(self) -> None:
        source_id = self._selected_source_id()
        if source_id is None:
            self.show_message("Select a source in the sidebar first.")
            return
        self.ask_remove_source(source_id)

    def ask_edit_source(self, source_id: int) -> None:
        try:
            source = self.lib.sources.get(source_id)
        except DigestError as exc:
            self.show_message(str(exc))
            return
        dialog = SourceDialog(source, self)
        if dialog.exec():
            edit = dialog.edit()
            fields: dict[str, object] = {"title": edit.title or source.title, "topic_filter": edit.topic_filter}
            if source.kind != "file" and edit.url and edit.url != source.url:
                fields["url"] = edit.url
            if self._try(lambda: self.lib.sources.update(source_id, **fields)):
                self.refresh_counts()
                self.article_model.reload()

    def ask_remove_source(self, source_id: int) -> None:
        try:
            source = self.lib.sources.get(source_id)
        except DigestError as exc:
            self.show_message(str(exc))
            return
        if self._confirm(
            f"Remove the source “{source.title}”?",
            f"Its {formatting.count(source.article_count, 'article')} are deleted from the library too.",
        ):
            self.remove_source(source_id)

    def remove_source(self, source_id: int) -> None:
        removed: list[int] = []
        if self._try(lambda: removed.append(self.lib.sources.remove(source_id))):
            self.lib.images.prune()
            self.show_message(f"Removed the source and {formatting.count(removed[0], 'article')}.")
            self.refresh_counts()
            self.article_model.reload()

    def refresh_selected_source(self) -> None:
        source_id = self._selected_source_id()
        if source_id is None:
            self.show_message("Select a source in the sidebar first.")
            return
        self.refresh([source_id])

    def refresh(self, source_ids: list[int] | None = None) -> Task:
        """Fetch new articles from every feed and page (or only *source_ids*) in the background.

        A refresh already running or waiting is not started twice. Articles
        show up while it runs; failures end up on each source's badge.
        """
        scope = "all" if source_ids is None else ",".join(map(str, source_ids))
        title = "Refreshing" if source_ids is None else "Refreshing " + formatting.count(len(source_ids), "source")
        # A refresh fetches with a pool of threads: in a process of its own they
        # never take turns with the window for the interpreter lock.
        job = ProcessJob(jobs.refresh, (None if source_ids is None else tuple(source_ids),))
        task = Task(title, job, done=refresh_summary, key=f"refresh:{scope}")
        running = self.run_task(task)
        if running is task:
            task.progressed.connect(lambda _progress: self._reload_timer.start())
        return running

    def ask_add_source(self) -> None:
        from digest_app.gui.add_source_dialog import AddSourceDialog

        dialog = AddSourceDialog(self)
        if dialog.exec():
            choice = dialog.choice()
            self.add_source(choice.url, topic_filter=choice.topic_filter)

    def add_source(self, url: str, *, topic_filter: bool | None = None) -> Task:
        """Subscribe to *url* in the background (it is fetched once: a site's feed is found)."""

        def job(ctx: TaskContext) -> Any:
            from digest_app.collect.subscribe import subscribe

            return subscribe(ctx.lib, url, topic_filter=topic_filter)

        task = Task(f"Adding {url}", job, done=subscription_summary, cancellable=False)
        task.succeeded.connect(lambda result: self._show_key_soon(f"source:{result.source.id}"))
        return self.run_task(task)

    def add_default_sources(self) -> Task:
        """Subscribe to the Xiaomi sources Digest ships (nothing is fetched until a refresh)."""

        def job(ctx: TaskContext) -> Any:
            from digest_app.collect.subscribe import add_default_sources

            return add_default_sources(ctx.lib)

        return self.run_task(
            Task("Adding the default Xiaomi sources", job, cancellable=False,
                 done=lambda r: sources_summary(r) + " Press R to fetch their articles.")
        )

    def choose_opml_to_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export OPML", str(Path.home() / "digest-subscriptions.opml"), "OPML (*.opml);;All files (*)"
        )
        if path:
            self.export_opml(Path(path))

    def export_opml(self, path: Path) -> Task:
        def job(ctx: TaskContext) -> int:
            from digest_app.collect.subscribe import export_opml_file

            return export_opml_file(ctx.lib, path)

        return self.run_task(
            Task("Exporting OPML", job, cancellable=False,
                 done=lambda n: f"Wrote {formatting.count(n, 'feed')} to {path.name}.")
        )

    def import_opml(self, path: Path) -> Task:
        def job(ctx: TaskContext) -> Any:
            from digest_app.collect.subscribe import import_opml_file

            return import_opml_file(ctx.lib, path)

        return self.run_task(Task(f"Importing {path.name}", job, cancellable=False, done=sources_summary))

    def _show_key_soon(self, key: str) -> None:
        """Select *key* in the sidebar once its item exists (a source just added)."""
        self._pending_sidebar_key = key
        self.refresh_counts()

    def _set_auto_refresh(self) -> None:
        minutes = self.prefs.refresh_minutes
        if minutes > 0:
            self._auto_refresh.start(minutes * 60_000)
        else:
            self._auto_refresh.stop()

    def _auto_refresh_due(self) -> None:
        if self.snapshot is not None and any(s.kind in ("feed", "page") for s in self.snapshot.sources):
            self.refresh()

    # ==================================================================== background work

    def run_task(self, task: Task) -> Task:
        """Run *task* in the background (after any running one)."""
        return self.tasks.start(task)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Files and folders dropped on the window are imported."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def choose_files_to_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import Files",
            str(Path.home()),
            "Articles and feeds (*.xml *.rss *.atom *.rdf *.json *.opml *.html *.htm *.md *.markdown *.txt);;All files (*)",
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def choose_opml_to_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import OPML", str(Path.home()), "OPML (*.opml *.xml);;All files (*)")
        if path:
            self.import_opml(Path(path))

    def import_files(self, paths: list[Path]) -> Task:
        """Import files and folders in a worker process."""
        job = ProcessJob(jobs.import_files, (tuple(str(p) for p in paths),))
        return self.run_task(
            Task(f"Importing {formatting.count(len(paths), 'item')}", job, done=lambda r: import_summary("Imported", r))
        )

    def load_sample(self) -> Task:
        """Load the sample library in a worker process."""
        return self.run_task(
            Task("Loading the sample library", ProcessJob(jobs.load_sample),
                 done=lambda r: import_summary("Loaded the sample library", r))
        )

    def resummarize(self, length: SummaryLength) -> Task:
        """Make *length* the library's summary length and recompute summaries in a worker process."""
        return self.run_task(
            Task("Updating summaries", ProcessJob(jobs.resummarize, (length,)),
                 done=lambda n: f"Summaries updated: {formatting.count(n, 'article')}.")
        )

    def _task_finished(self, task: Task) -> None:
        if task.error is not None:
            self.show_message(task.error, timeout_ms=15_000)
        else:
            self.show_message(task.done_text() + (" (cancelled)" if task.cancel_requested else ""), timeout_ms=15_000)
        self._reload_timer.stop()
        self._reload_listing()
        current = self.article_list.current_article_id()
        if current is not None and self.reader_pane.showing_article:
            self.show_article(current)

    def _reload_listing(self) -> None:
        """Show what background work has stored, keeping the user's place."""
        self.refresh_counts()
        self.article_model.reload()

    # ==================================================================== settings

    def choose_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Open Library (an existing file opens; a new name creates a library)",
            str(Path(self.lib.path).parent),
            "Digest library (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.openLibraryRequested.emit(Path(path))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = Path(self.lib.path).resolve()
        recent = [p for p in self.prefs.recent_libraries if p.resolve() != current and p.exists()]
        for path in recent:
            self.recent_menu.addAction(shown_path(path), lambda p=path: self.openLibraryRequested.emit(p))
        if not recent:
            self.recent_menu.addAction("No other libraries yet").setEnabled(False)

    def open_settings(self) -> None:
        from digest_app.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.current_settings(), self)
        if dialog.exec():
            self.apply_settings(dialog.choice())

    def current_settings(self) -> SettingsChoice:
        # Imported when first needed: the summarizer's modules take a while to
        # load, and the first window should not wait for them.
        from digest_app.gui.settings_dialog import SettingsChoice
        from digest_app.summaries import summary_length

        return SettingsChoice(
            theme=self.prefs.theme,
            font_size=self.prefs.reader_font_size,
            summary_length=summary_length(self.lib),
            refresh_minutes=self.prefs.refresh_minutes,
            library_path=self.lib.path,
        )

    def apply_settings(self, choice: SettingsChoice) -> None:
        """Apply and remember what the Settings dialog chose."""
        from digest_app.summaries import summary_length

        if choice.theme != self.prefs.theme:
            self.prefs.theme = choice.theme
            self.apply_theme()
        if choice.font_size != self.prefs.reader_font_size:
            self.set_font_size(choice.font_size)
        self.prefs.refresh_minutes = choice.refresh_minutes
        self._set_auto_refresh()
        if choice.summary_length != summary_length(self.lib):
            self.resummarize(choice.summary_length)
        self.prefs.sync()
        if Path(choice.library_path).expanduser().resolve() != Path(self.lib.path).resolve():
            self.openLibraryRequested.emit(Path(choice.library_path).expanduser())

    def set_themed_icon(self, action: QAction, icon_name: str) -> None:
        """Give *action* the icon *icon_name*, redrawn whenever the theme changes
        (for actions extensions add to the toolbar and menus)."""
        action.setIcon(icon(icon_name))
        self._themed_actions.append((action, icon_name))

    def apply_theme(self) -> None:
        """Restyle everything for the theme in the preferences."""
        app = QApplication.instance()
        theme = apply_theme(app, self.prefs.theme) if isinstance(app, QApplication) else current_theme()
        for action, name in self._themed_actions:
            action.setIcon(icon(name))
        self._update_article_actions()
        self.reader_pane.retheme()
        self.search_bar.retheme()
        self.reader_pane.reader.set_style(theme, self.prefs.reader_font_size)
        if self.snapshot is not None:
            self.sidebar.retheme()
            self._apply_snapshot(self.snapshot)
        current = self.article_list.current_article_id()
        if current is not None and self.reader_pane.showing_article:
            self.show_article(current)
        self.update()

    def _system_scheme_changed(self, *_: object) -> None:
        if self.prefs.theme == "system":
            self.apply_theme()

    # ==================================================================== reader area extensions

    def add_reader_view(self, view: QWidget) -> None:
        """Add a view (e.g. a digest) that can take the reader's place."""
        self.reader_area.addWidget(view)

    def show_reader_view(self, view: QWidget | None = None) -> None:
        """Show *view* in the reader area (None: back to the article reader)."""
        self.reader_area.setCurrentWidget(view or self.reader_pane)

    # ==================================================================== help

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.menuBar(), self).exec()

    def show_query_help(self) -> None:
        self.search_bar.help.show_below(self.search_bar.help_button)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Collects, summarizes and digests Xiaomi news, offline.</p>"
            f"<p>Library: {shown_path(self.lib.path)}</p>",
        )

    # ==================================================================== helpers

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _try(self, change: Callable[[], Any]) -> bool:
        """Run a change; a DigestError becomes a quiet status-bar message."""
        try:
            change()
        except DigestError as exc:
            self.show_message(str(exc), timeout_ms=10_000)
            return False
        return True

    def _confirm(self, question: str, detail: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, question, parent=self)
        box.setInformativeText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Ok


def import_summary(lead: str, report: ImportReport) -> str:
    """``Imported: 3 new articles, 1 updated; 1 failed (notes.md: ...)``."""
    parts = [formatting.count(report.added, "new article")]
    if report.updated:
        parts.append(f"{report.updated:,} updated")
    if report.unchanged:
        parts.append(f"{report.unchanged:,} already there")
    if report.sources_added:
        parts.append(formatting.count(report.sources_added, "new source"))
    text = f"{lead}: " + ", ".join(parts)
    if report.unsummarized:
        text += f"; {formatting.count(report.unsummarized, 'article')} without a summary yet (import again to make them)"
    if report.failed:
        first = report.failed[0]
        text += f"; {len(report.failed):,} failed ({Path(first.path).name}: {first.reason})"
    return text + "."


def refresh_summary(report: Any) -> str:
    """``Refreshed 9 sources: 34 new articles; 2 failed (their errors are in the sidebar).``"""
    parts = [formatting.count(report.added, "new article") if report.added else "nothing new"]
    if report.duplicates:
        parts.append(f"{report.duplicates:,} already seen elsewhere")
    text = f"Refreshed {formatting.count(len(report.sources), 'source')}: " + ", ".join(parts)
    failed = report.failed
    if failed:
        text += f"; {len(failed):,} failed (the sidebar shows why)"
    return text + "."


def subscription_summary(result: Any) -> str:
    source = result.source
    if not result.created:
        return f"Already subscribed to “{source.title}”."
    text = f"Added the {result.kind} “{source.title}”"
    if result.discovered_from:
        text += f" (found on {result.discovered_from})"
    first = result.first_refresh
    if first is not None and first.error:
        return text + f"; its first fetch failed: {first.error}."
    if first is not None:
        text += ": " + formatting.count(first.added, "new article")
    return text + "."


def sources_summary(result: Any) -> str:
    text = f"Added {formatting.count(len(result.added), 'source')}"
    if result.existing:
        text += f" ({len(result.existing):,} already there)"
    if result.skipped:
        text += f"; skipped {len(result.skipped):,} entries that are not web feeds"
    return text + "."
