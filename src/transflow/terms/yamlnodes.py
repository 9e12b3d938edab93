"""YAML with line marks, fast: libyaml's node tree to read, its emitter for new list items.

ruamel's round trip keeps comments but takes 10 s or more to read a 20,000-term glossary and
19 s to write 20,000 items; libyaml reads it in well under a second. The node tree gives
every key's line for messages and every item's position for edits in place, and values are
resolved by YAML 1.2 as ruamel resolved them (``no`` is a word, not false). ruamel stays for
the round trip of layouts that are not edited as text.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any, ClassVar

from transflow.errors import GlossaryError


def round_trip() -> Any:
    """ruamel's round-trip YAML, set up as glossary.yml is written."""
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments, order and quoting
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def problem_line(e: Exception) -> str:
    """A YAML syntax error as one line: where, what, and where the construct it is in started."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    context, context_mark = getattr(e, "context", None), getattr(e, "context_mark", None)
    problem = (getattr(e, "problem", None) or context or "invalid YAML").strip()
    if context and context_mark is not None and getattr(e, "problem_mark", None) is not None:
        problem += f" ({context.strip()} that starts on line {context_mark.line + 1})"
    return f"{line}{problem}"


def parse(text: str, name: str) -> tuple[Any, Any]:
    """The document's node tree with line marks, and the loader that makes values of its scalars.

    libyaml (PyYAML's C parser) and no object construction: a 20,000-term glossary parses in
    well under a second, where ruamel's round trip took 10 s or more. ruamel is kept for
    writing, where comments and layout matter.
    """
    import yaml

    loader = loader_class()(text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as e:
        raise GlossaryError([problem_line(e)], name) from e
    except yaml.YAMLError as e:
        raise GlossaryError([f"invalid YAML: {' '.join(str(e).split())}"], name) from e
    except (TypeError, ValueError, RecursionError) as e:
        raise GlossaryError([f"not a glossary ({type(e).__name__})"], name) from e


@functools.cache
def loader_class() -> Any:
    """libyaml's safe loader, resolving plain scalars by YAML 1.2 as ruamel does (``no`` is a word)."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[str, Any]] = {}

        # PyYAML's resolver, less its path resolvers and list building: it runs for every scalar.
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                        if regexp.match(value):
                            return str(tag)
                return STR
            return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    core = {
        "bool": (r"true|True|TRUE|false|False|FALSE", "tTfF"),
        "int": (r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
        "float": (
            r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            "-+0123456789.",
        ),
        "null": (r"~|null|Null|NULL|", ["~", "n", "N", ""]),
        "merge": (r"<<", "<"),
    }
    for tag, (pattern, first) in core.items():
        Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"), list(first))
    return Loader


STR = "tag:yaml.org,2002:str"
MERGE = "tag:yaml.org,2002:merge"


def value(node: Any, loader: Any) -> Any:
    """The Python value of a node (plain strings without the constructor's cost)."""
    import yaml

    if node.tag == STR and isinstance(node, yaml.ScalarNode):
        return node.value
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, TypeError, ValueError, RecursionError):
        return None  # an unknown tag or an unhashable key inside: not a usable value


def mapping(node: Any, loader: Any, problems: list[str]) -> tuple[dict[Any, Any], dict[Any, int]] | None:
    """A mapping node's keys → values and keys → their lines; None (and a problem) for a duplicate key."""
    import yaml

    if any(key.tag == MERGE for key, _ in node.value):
        loader.flatten_mapping(node)  # merge keys (``<<: *base``)
    values: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        at = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(f"line {at}: not a glossary: keys must be plain words")
            return None
        key = value(key_node, loader)
        if key in values:
            problems.append(
                f'line {at}: found duplicate key "{key}"'
                f" (while constructing a mapping that starts on line {node.start_mark.line + 1})"
            )
            return None
        values[key] = value(value_node, loader)
        lines[key] = at
    return values, lines


def block_list(items: list[dict[str, Any]]) -> str:
    """The items as a YAML block list, dash in column 0, in the layout of `glossary add`.

    libyaml's emitter: ruamel's took 19 s for 20,000 items. A value that either YAML version
    would read as something else than text (``no``, ``0o17``) is quoted; a ``Flow`` list is
    written on one line.
    """
    import yaml

    return str(
        yaml.dump(
            items,
            Dumper=dumper_class(),
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=4096,
        )
    )


class Flow(tuple[str, ...]):
    """Forms, written on one line: ``forms: [Kitas, Kindertagesstätte]``."""


@functools.cache
def dumper_class() -> Any:
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    Dumper.add_representer(Flow, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, True))
    for first, resolvers in loader_class().yaml_implicit_resolvers.items():
        for tag, regexp in resolvers:
            Dumper.add_implicit_resolver(tag, regexp, [first])
    return Dumper


def round_trip_dump(doc: Any) -> str:
    """``doc`` written by ruamel's round trip."""
    out = io.StringIO()
    round_trip().dump(doc, out)
    return out.getvalue()
