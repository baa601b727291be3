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


def parse_yaml(text: str | bytes) -> Any:
    """The data of a YAML document, like ``yaml.safe_load``, without aliases.

    Raises :class:`yaml.YAMLError` (whose message gives the line) for invalid YAML, an alias, or
    nesting deeper than the parser can follow.
    """
    loader = _NoAliases(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise yaml.YAMLError("nested too deeply to be read (thousands of levels)") from None
    finally:
        loader.dispose()
