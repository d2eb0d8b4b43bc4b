"""Binding descriptions in the current language.

Bindings are declared at class level with English message ids (marked with ``N_``); each node's bindings are
translated when it is built and again when the language changes, so the Footer and the key help always speak the
cadre's language. Keymaps still apply: they act on the binding ids.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from fieldapp.tui.i18n import _

__all__ = ["localise_bindings", "node_bindings"]


def node_bindings(node: DOMNode) -> BindingsMap:
    """The bindings *node* acts on and the Footer shows.

    Textual keeps them in the private ``DOMNode._bindings`` (a copy of the class's bindings made for each node) and
    offers no public way to change a binding's description: this is the one place that reaches for it.
    ``tests/tui/test_localise.py`` fails when Textual stops reading a node's bindings from there.
    """
    return node._bindings


@cache
def _declared(cls: type[DOMNode]) -> dict[str, Binding]:
    """Binding id -> the binding as declared in ``BINDINGS`` (with its English message ids), along the MRO."""
    declared: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        for binding in vars(klass).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                declared[binding.id] = binding
    return declared


def localise_bindings(node: DOMNode) -> None:
    """Translate the descriptions and tooltips of *node*'s bindings into the current language."""
    declared = _declared(type(node))
    bindings = node_bindings(node)
    # new lists in the node's own map: the lists themselves are shared with the class's map and other nodes
    bindings.key_to_bindings = {
        key: [_translated(binding, declared.get(binding.id or "")) for binding in found]
        for key, found in bindings.key_to_bindings.items()
    }


def _translated(binding: Binding, declared: Binding | None) -> Binding:
    if declared is None:  # Textual's own bindings (no id of ours) stay as they are
        return binding
    return replace(
        binding,
        description=_(declared.description) if declared.description else "",
        tooltip=_(declared.tooltip) if declared.tooltip else "",
    )
