"""YAML as Vigie reads it, every file alike: safe types only, and no aliases.

``yaml.safe_load`` refuses Python objects (``!!python/object``) but not aliases: nine lines of
aliases nested in each other (a "billion laughs") expand to a billion strings, a minute of CPU
and gigabytes of memory before a MemoryError. No file Vigie reads (settings, registry entries,
subscriptions, the lexicon, labels) needs one, so an alias is refused where it appears, with its
line. Nesting too deep for the parser is an error too, not a crash.

This module sits in the bottom layer so that every other one (spiders, nlp, notify, vigie) reads
YAML through it.
"""

from __future__ import annotations

from typing import Any

import yaml

YAMLError = yaml.YAMLError


class _NoAliases(yaml.SafeLoader):
    """The safe loader, refusing aliases (``*name``) before they are expanded."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            raise yaml.composer.ComposerError(
                None,
                None,
                f"found an alias (*{event.anchor}): aliases are not accepted, write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


# libyaml's parser, when PyYAML was built with it (the wheels are): ten times the pure-Python one.
_CLoader: type[Any] | None = getattr(yaml, "CSafeLoader", None)

# Deeper than any file Vigie reads; libyaml's composer recurses in C, where too deep is a crash.
MAX_DEPTH = 100


def _refuse(event: Any, why: str) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, why, event.start_mark)


def _check_events(text: str | bytes) -> None:
    """Refuse an alias or nesting deeper than MAX_DEPTH, reading the events alone (nothing is
    built yet), so that libyaml's composer is only given what it can compose safely."""
    assert _CLoader is not None
    loader = _CLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent):
                raise _refuse(event, f"found an alias (*{event.anchor}): aliases are not accepted, write the value out")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _refuse(event, f"nested too deeply to be read (more than {MAX_DEPTH} levels)")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit (1,000 levels)
            raise yaml.YAMLError(f"nested too deeply to be read (more than {MAX_DEPTH} levels)") from None
        raise
    finally:
        loader.dispose()


def parse_yaml(text: str | bytes) -> Any:
    """The data of a YAML document, like ``yaml.safe_load``, without aliases.

    Raises :class:`yaml.YAMLError` (whose message gives the line) for invalid YAML, an alias, or
    nesting deeper than the parser can follow.
    """
    if _CLoader is not None:
        _check_events(text)
        loader = _CLoader(text)
    else:
        loader = _NoAliases(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise yaml.YAMLError("nested too deeply to be read (thousands of levels)") from None
    finally:
        loader.dispose()
