"""Keep the translation catalog in step with the code: extract with Babel, merge, compile, check.

    python scripts/messages.py update    # extract (pybabel extract), merge into vi/…/fieldapp.po, compile fieldapp.mo
    python scripts/messages.py check     # exit 1, listing what is wrong, when the catalog is not in step

Every string the code marks (``_``, ``N_``, ``gettext``, and with a context ``NC_``, ``pgettext``) in ``fieldapp/``
and ``sync/``, the dashboard's HTML templates included (``_("…")``), is a message id, and so is every text of
``fieldapp``'s ``--help`` pages (found by walking the click commands: fieldapp/cli/helptext.py). ``update`` keeps the translations the catalog already has, adds new ids with an empty
translation (to be filled in by a person: ``check`` fails until they are) and drops ids no code uses any more.
``tests/test_messages.py`` runs ``check``.
"""

from __future__ import annotations

import ast
import inspect
import io
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("fieldapp", "sync")
LOCALE_DIR = ROOT / "fieldapp" / "core" / "locale"
LANGUAGES = ("vi",)  # English is the language of the message ids: it has no catalog
DOMAIN = "fieldapp"
#: the marking functions, as pybabel's --keyword specs: argument 1 is the msgid, or 1 the context and 2 the msgid
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "NC_": ((1, "c"), 2),
    "pgettext": ((1, "c"), 2),
}
Key = tuple[str | None, str]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every marked message of the code (what ``pybabel extract -k … fieldapp sync`` finds)."""
    template = Catalog(project="fieldapp", domain=DOMAIN)
    for source in SOURCES:
        found = extract_from_dir(
            ROOT / source,
            # the dashboard's Jinja2 templates mark their text with _("…") too (sync/server/web/templates)
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")],
            options_map={"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            if not message:
                continue
            location = (f"{source}/{filename}", lineno)
            template.add(message, locations=[location], auto_comments=comments, context=context)
    for message, location in cli_help():
        template.add(message, locations=[location], auto_comments=["--help"])
    return template


def cli_help() -> Iterator[tuple[str, tuple[str, None]]]:
    """The English texts of ``fieldapp``'s ``--help`` pages (docstrings and ``help=``), drawn translated by
    fieldapp/cli/helptext.py: each with the file of the command that shows it."""
    sys.path.insert(0, str(ROOT))
    from fieldapp.cli import COMMANDS, main
    from fieldapp.cli.helptext import help_texts

    for name, lazy in COMMANDS.items():
        yield lazy.short_help, ("fieldapp/cli/__init__.py", None)  # what `fieldapp --help` lists, unimported
        main.get_command(click.Context(main), name)  # the lazy group imports its commands on first use
    for _path, text, command in help_texts(main):
        where = Path(inspect.getfile(inspect.unwrap(command.callback))) if command.callback else ROOT / "fieldapp"
        yield text, (where.resolve().relative_to(ROOT).as_posix(), None)


def _placeholders(text: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _lit, name, _spec, _conv in string.Formatter().parse(text)
        if name
    }


def read_catalog(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _keys(catalog: Catalog) -> dict[Key, object]:
    return {(m.context, str(m.id)): m for m in catalog if m.id and isinstance(m.id, str)}


def merged(lang: str, template: Catalog) -> Catalog:
    """*template*'s ids with the translations *lang*'s catalog has for them (new ids untranslated)."""
    old = _keys(read_catalog(lang))
    out = Catalog(locale=lang, domain=DOMAIN, project="fieldapp", fuzzy=False)
    for message in template:
        if not message.id:
            continue
        previous = old.get((message.context, str(message.id)))
        translation = getattr(previous, "string", "") or ""
        # keep the file paths, not the line numbers: the catalog should not change each time code moves
        files = sorted({path for path, _line in message.locations})
        out.add(
            message.id,
            translation,
            locations=[(path, None) for path in files],
            auto_comments=message.auto_comments,
            context=message.context,
        )
    return out


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, include_lineno=False, width=116, omit_header=False)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Extract, merge into every language's catalog, and compile it."""
    template = extract()
    for lang in LANGUAGES:
        catalog = merged(lang, template)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(_mo_bytes(read_catalog(lang)))
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {missing} to translate")


def hidden_in_fstrings() -> Iterator[str]:
    """Marked calls inside f-strings, which the extractor cannot see on this Python: take them out."""
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    for call in ast.walk(node):
                        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in KEYWORDS:
                            yield f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)} is inside an f-string"


def problems() -> Iterator[str]:
    """What is out of step between the code and the catalogs (nothing when all is well)."""
    yield from hidden_in_fstrings()
    template = _keys(extract())
    for lang in LANGUAGES:
        catalog = read_catalog(lang)
        entries = _keys(catalog)
        for key, message in sorted(template.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            entry = entries.get(key)
            where = ", ".join(sorted({path for path, _ in message.locations}))  # type: ignore[attr-defined]
            label = f"{key[0]}|{key[1]}" if key[0] else key[1]
            if entry is None or not entry.string:  # type: ignore[attr-defined]
                yield f"{lang}: missing translation of {label!r} ({where})"
            elif _placeholders(key[1]) != _placeholders(str(entry.string)):  # type: ignore[attr-defined]
                yield f"{lang}: the translation of {label!r} does not keep its placeholders"
        for key in sorted(set(entries) - set(template), key=lambda k: (k[0] or "", k[1])):
            yield f"{lang}: stale entry {key[1]!r} (no code uses it)"
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            yield f"{lang}: {mo.name} is not compiled from the .po (run scripts/messages.py update)"


def main(argv: list[str]) -> int:
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        found = list(problems())
        for line in found:
            print(line)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
