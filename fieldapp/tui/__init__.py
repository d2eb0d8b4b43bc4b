"""The terminal app (Textual): ``create_app(store, settings, data_dir, rules, today=None)`` builds it.

``app.py`` holds the app and its modes (the F-key screens); screens live in ``screens/``, reusable widgets in
``widgets/``, dialogs in ``dialogs/``, layout in ``*.tcss`` files. Screens reach the app through ``ports.AppContext``
and ``messages``, never by importing ``app.py``. Every user-visible string goes through ``fieldapp.tui.i18n`` (the
project's one catalog). docs/tui.md describes the layout.
"""

from fieldapp.tui.app import FieldApp, create_app

__all__ = ["FieldApp", "create_app"]
