"""Binding descriptions in the current language.

Bindings are declared at class level with English message ids (marked with ``N_``); each node gets a translated
copy of its class's bindings when it is built and again when the language changes, so the Footer and the key
help always speak the cadre's language.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from fieldapp.tui.i18n import _

__all__ = ["localise_bindings"]


def localise_bindings(node: DOMNode) -> None:
    """Give *node* its class's bindings with descriptions and tooltips translated."""
    # _merge_bindings is Textual's own way of collecting BINDINGS along the class hierarchy; the translated map
    # replaces the node's copy only (keymaps still apply, they act on the binding ids).
    merged = type(node)._merge_bindings()
    translated: list[Binding] = [
        replace(
            binding,
            description=_(binding.description) if binding.description else "",
            tooltip=_(binding.tooltip) if binding.tooltip else "",
        )
        for _key, binding in merged
    ]
    node._bindings = BindingsMap(translated)
