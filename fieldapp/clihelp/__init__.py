"""What both command lines (``fieldapp`` and ``fieldapp-server``) share to speak the user's language: ``--help``
pages drawn from the catalog (``pages``), click's usage errors worded again (``usage``, with ``LocalisedRoot``, the
root group each program derives), and standard streams that can write Vietnamese (``streams``).

A package of its own, beside ``fieldapp.cli``, because the server may not import the laptop's command line (the
import contracts in pyproject.toml); it imports click and ``fieldapp.core`` only, and nothing here is imported at
package level, so ``--help`` stays light.
"""
