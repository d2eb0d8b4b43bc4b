"""The terminal app (Textual): ``create_app(store, settings, data_dir, rules, today=None)`` builds it.

Screens live in ``screens/``, reusable widgets in ``widgets/``, dialogs in ``dialogs/``, layout in ``*.tcss`` files
and every user-visible string goes through ``fieldapp.tui.i18n`` (gettext catalogs under ``locale/``).
"""

from fieldapp.tui.app import FieldApp, create_app

__all__ = ["FieldApp", "create_app"]
