"""What every screen of the app shares: the app as screens see it, translated bindings, relabelling on a language
switch, and the one handler for failed workers."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from textual import events
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea
from textual.worker import Worker, WorkerState

from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.ports import AppContext

__all__ = ["BaseModal", "BaseScreen", "Relabel"]

T = TypeVar("T")


class Relabel:
    """Mixin: translated bindings, a recompose when the language changes, one place for worker failures."""

    _stale_language = False

    def _init_relabel(self) -> None:
        localise_bindings(cast(Screen[Any], self))

    @property
    def fapp(self) -> AppContext:
        """The app, with its store, settings, index and today (``self.app`` is Textual's view of it)."""
        return cast(AppContext, cast(Screen[Any], self).app)

    def keep_state(self) -> None:
        """Copy what the cadre typed into attributes before the screen is rebuilt (forms override it)."""

    def relabel(self, current: bool) -> None:
        """The language changed: translate bindings now, rebuild the widgets now or when shown again."""
        screen = cast(Screen[Any], self)
        localise_bindings(screen)
        if current:
            screen.run_worker(self._rebuild(), exclusive=True, group="relabel")
        else:
            self._stale_language = True

    async def _rebuild(self) -> None:
        screen = cast(Screen[Any], self)
        self.keep_state()
        await screen.recompose()
        self.after_rebuild()

    def after_rebuild(self) -> None:
        """Called after the widgets were rebuilt (restore focus, refill tables)."""

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        if self._stale_language:
            self._stale_language = False
            cast(Screen[Any], self).run_worker(self._rebuild(), exclusive=True, group="relabel")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The one handler for failed workers on every screen: say why, never crash.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker, event.worker.error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """A worker of this screen raised *error*: say why (screens that keep state about it extend this)."""
        self.fapp.report_error(error)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = self.fapp.cursor_blink


class BaseScreen(Relabel, Screen[T]):
    """A full screen of the app."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_relabel()


class BaseModal(Relabel, ModalScreen[T]):
    """A dialog over a screen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_relabel()
