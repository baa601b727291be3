"""One regular expression for thousands of phrases, factored as a prefix tree.

An alternation of every phrase (``a|b|c``) makes the regex engine try each phrase at each
position: about 12 k words/s on 380 terms, against about 4 M words/s for the factored pattern
(measured side by side on generated French text, 2 cores, Python 3.11). Factoring common
prefixes (``cam(?:era(?:s)?|pus)``) tries one character at a time: millions of words per second.
Longer phrases come first at every node, so the engine prefers the longest match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_END = ""


def trie_pattern(phrases: Iterable[str], render: Callable[[str], str] = re.escape) -> str:
    """A regex source matching any of ``phrases``; ``render`` turns one character into regex."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        if not phrase:
            continue
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _render(root, render) if root else "(?!)"


def _render(node: dict[str, Any], render: Callable[[str], str]) -> str:
    optional = _END in node
    leaves, branches = [], []
    for char in sorted(c for c in node if c != _END):
        child = node[char]
        if set(child) == {_END}:
            leaves.append(char)
        else:
            branches.append(render(char) + _render(child, render))
    if len(leaves) == 1:
        branches.append(render(leaves[0]))
    elif leaves:
        simple = all(len(render(c)) == 1 or render(c) == "\\" + c for c in leaves)
        branches.append(
            "[" + "".join(re.escape(c) for c in leaves) + "]"
            if simple
            else "(?:" + "|".join(render(c) for c in leaves) + ")"
        )
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        return f"(?:{body})?"
    return body
