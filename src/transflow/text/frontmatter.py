"""Front matter: YAML (``---``), TOML (``+++``, Hugo) and JSON, read and written in the source's own format.

python-frontmatter finds and splits the block; YAML is loaded with ruamel (aliases refused before
anything is built), TOML with tomlkit (comments and order kept when it is written back), JSON
with the standard library. The English draft gets the source's front matter back with every
field, the translatable ones (``title``, ``description``, ``image.alt`` …, configurable) in
English, so ``draft.en.md`` drops into the same Hugo or Jekyll site.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from transflow.errors import InputError
from transflow.settings import Settings

__all__ = [
    "TRANSLATABLE_FIELDS",
    "FrontMatter",
    "field_value",
    "read_front_matter",
    "render_front_matter",
    "split_front_matter",
]

# Fields whose text is for readers; a dotted name is a key inside a table (or each table of a list).
TRANSLATABLE_FIELDS = Settings.translatable_fields
MAX_FRONT_MATTER = 16_000
YAML, TOML, JSON = "yaml", "toml", "json"


@dataclass(frozen=True)
class FrontMatter:
    """A source's front matter as written, and its translatable fields (dotted path, text)."""

    format: str  # yaml, toml, json
    text: str  # between the delimiters, exactly as in the source
    fields: tuple[tuple[str, str], ...] = ()  # German, e.g. ("image.alt", "Das Rathaus")
    english: tuple[tuple[str, str], ...] = ()  # the same paths in English, once translated
    unpublished: bool = False  # draft: true or published: false: translated, never published


def _handlers() -> list[tuple[str, Any]]:
    from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

    class TOMLHandler(BaseHandler):
        """Hugo's ``+++``: python-frontmatter's own needs the unmaintained ``toml`` package."""

        FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
        START_DELIMITER = END_DELIMITER = "+++"

    return [(YAML, YAMLHandler()), (TOML, TOMLHandler()), (JSON, JSONHandler())]


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """(format, front matter text, body) of a text that starts with front matter, else None."""
    for name, handler in _handlers():
        if not handler.detect(text):
            continue
        try:
            front, body = handler.split(text)
        except ValueError:  # an opening line without a closing one: no front matter
            return None
        if name == YAML and front.startswith("\n"):
            front = front[1:]
        return name, front.strip("\n") + "\n" if front.strip() else "", body.removeprefix("\n")
    return None


def load(kind: str, text: str, name: str) -> dict[Any, Any]:
    """The front matter as a mapping; ``InputError`` for anything that is not one."""
    if len(text) > MAX_FRONT_MATTER:
        raise InputError(f"{name}: front matter is longer than {MAX_FRONT_MATTER // 1000} KB")
    if kind == YAML:
        return _load_yaml(text, name)
    try:
        if kind == TOML:
            import tomlkit

            data: Any = tomlkit.parse(text).unwrap()
        else:
            data = json.loads(text)
    except ValueError as e:  # tomlkit's ParseError and JSONDecodeError are ValueErrors
        raise InputError(f"{name}: front matter is not valid {kind.upper()} ({e})") from e
    except RecursionError as e:
        raise InputError(f"{name}: front matter is nested too deeply") from e
    if not isinstance(data, dict):
        raise InputError(f"{name}: front matter must be key: value lines")
    return data


def _load_yaml(text: str, name: str) -> dict[Any, Any]:
    """YAML, aliases refused before anything is built (a few hundred bytes expand to gigabytes)."""
    from ruamel.yaml import YAML as Yaml
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    yaml = Yaml(typ="safe")
    try:
        if any(isinstance(event, AliasEvent) for event in yaml.parse(text)):
            raise InputError(f"{name}: front matter uses YAML aliases (*name); write the values out")
        data = yaml.load(text) or {}
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"{name}:{where} front matter is not valid YAML") from e
    except (TypeError, ValueError, RecursionError) as e:  # e.g. a list as a key: `? [[1]]`
        raise InputError(f"{name}: front matter is not key: value lines ({type(e).__name__})") from e
    if not isinstance(data, dict):
        raise InputError(f"{name}: front matter must be key: value lines")
    return data


def _places(data: Any, path: Sequence[str], at: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted path, container, key) of every value a field name points at."""
    if isinstance(data, list):
        for n, item in enumerate(data):
            yield from _places(item, path, f"{at}{n}.")
        return
    if not isinstance(data, dict) or path[0] not in data:
        return
    if len(path) == 1:
        yield f"{at}{path[0]}", data, path[0]
    else:
        yield from _places(data[path[0]], path[1:], f"{at}{path[0]}.")


def _translatable(data: Mapping[Any, Any], names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    found = []
    for name in names:
        for path, container, key in _places(data, name.split(".")):
            value = container[key]
            if isinstance(value, str) and value.strip():
                found.append((path, value))
    return tuple(found)


def read_front_matter(
    text: str, name: str, names: Sequence[str] = TRANSLATABLE_FIELDS
) -> tuple[FrontMatter | None, dict[Any, Any], str]:
    """The front matter (None where there is none), its data, and the body after it."""
    found = split_front_matter(text)
    if found is None:
        return None, {}, text
    kind, front, body = found
    data = load(kind, front, name)
    unpublished = data.get("draft") is True or data.get("published") is False
    return FrontMatter(kind, front, _translatable(data, names), unpublished=unpublished), data, body


def field_value(data: Any, path: str) -> Any:
    """The value at a dotted path ("cover.alt", "images.0.alt"), or None where there is none."""
    for key in path.split("."):
        try:
            data = data[int(key)] if isinstance(data, list) else data[key]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return data


def _put(data: Any, path: str, value: str) -> None:
    *inner, last = path.split(".")
    for key in inner:
        data = data[int(key)] if isinstance(data, list) else data[key]
    data[int(last) if isinstance(data, list) else last] = value


def render_front_matter(front: FrontMatter, english: Mapping[str, str], extra: Mapping[str, Any]) -> str:
    """The front matter in its own format with the delimiters: fields in English, ``extra`` added.

    ``extra`` (transflow's signature) replaces fields of the same name; everything else is
    kept as written (TOML and YAML keep their comments and order).
    """
    if front.format == TOML:
        import tomlkit

        doc: Any = tomlkit.parse(front.text)
        _update(doc, english, extra)
        return f"+++\n{tomlkit.dumps(doc).rstrip()}\n+++\n"
    if front.format == JSON:
        data = json.loads(front.text)
        _update(data, english, extra)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    from ruamel.yaml import YAML as Yaml

    yaml = Yaml()  # round trip: order and comments as the source has them
    yaml.width = 4096
    yaml.allow_unicode = True
    data = yaml.load(front.text) or {}
    _update(data, english, extra)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return f"---\n{buffer.getvalue()}---\n"


def _update(data: Any, english: Mapping[str, str], extra: Mapping[str, Any]) -> None:
    for path, value in english.items():
        try:
            _put(data, path, value)
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # the field is no longer where it was: kept as written
    for key, value in extra.items():
        data[key] = value
