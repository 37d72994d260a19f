"""The AWS CLI package's examples (``awscli/examples/<service>/*.rst``) as data, and how to compare outputs.

An example is one ``aws <service> <command> ...`` block of a page and what the page shows after it:
a JSON ``Output::`` block or "This command produces no output". Outputs were captured from real AWS
with real ids, so :class:`Ids` matches them with a consistent one-to-one mapping between the
example's ids (and codes) and the ones the mock made: the same example id must always stand for the
same mock id, and two example ids never for one; each mock id has the shape of the example's.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awscli  # type: ignore[import-untyped]

EXAMPLES_ROOT = Path(awscli.__file__).parent / "examples"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SMS_MESSAGE_ID = r"SM[0-9a-f]{32}"  # what an SMS provider calls the message it sent (a SENT receipt's info)
KINDS = (UUID, SMS_MESSAGE_ID)  # the shapes of ids that AWS chose at random
_TOKEN = re.compile("|".join(f"(?:{kind})" for kind in KINDS))


@dataclass(frozen=True)
class Example:
    """One command of an example page: ``argv`` after ``aws <service>``, and the output it shows."""

    page: str  # file name, e.g. "get-contact.rst"
    index: int  # 1-based position of the command on its page
    argv: tuple[str, ...]
    output: Any  # the parsed JSON output, None for "This command produces no output"
    raw_output: str | None  # the output block as printed (for pages whose JSON is malformed)

    @property
    def id(self) -> str:
        return self.page.removesuffix(".rst") + ("" if self.index == 1 else f"#{self.index}")

    @property
    def command(self) -> str:
        return self.argv[0]


def _command_lines(lines: list[str], start: int, service: str) -> tuple[str, int]:
    """The shell text of the command starting at ``lines[start]`` (backslash continuations joined)."""
    parts, i = [], start
    while True:
        line = lines[i].strip()
        if line.endswith("\\"):
            parts.append(line[:-1])
            i += 1
            continue
        parts.append(line)
        return " ".join(parts), i + 1


def _output_block(lines: list[str], start: int) -> tuple[str | None, int]:
    """The indented block after an ``Output::`` line at or after ``start``, up to the next command."""
    i = start
    while i < len(lines) and not lines[i].strip().startswith("aws "):
        if lines[i].strip() == "Output::":
            block = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            return "\n".join(block).strip(), i
        i += 1
    return None, start


def parse_page(path: Path, service: str) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip().startswith(f"aws {service} "):
            i += 1
            continue
        text, i = _command_lines(lines, i, service)
        argv = tuple(shlex.split(text)[2:])
        raw, i = _output_block(lines, i)
        try:
            output = None if raw is None else json.loads(raw)
        except json.JSONDecodeError:
            output = None
        found.append(Example(path.name, len(found) + 1, argv, output, raw))
    return found


def examples(service: str) -> list[Example]:
    """Every example command of ``service``, page by page in name order."""
    found: list[Example] = []
    for path in sorted((EXAMPLES_ROOT / service).glob("*.rst")):
        found.extend(parse_page(path, service))
    return found


class Ids:
    """A one-to-one mapping between the ids (UUIDs and codes) of an example and those of the mock."""

    def __init__(self) -> None:
        self.to_mock: dict[str, str] = {}
        self.to_example: dict[str, str] = {}

    def bind(self, example: str, mock: str) -> None:
        known = self.to_mock.get(example)
        assert known in (None, mock), f"example id {example} stands for {known}, now also for {mock}"
        other = self.to_example.get(mock)
        assert other in (None, example), f"mock id {mock} stands for {other}, now also for {example}"
        self.to_mock[example], self.to_example[mock] = mock, example

    def bind_arn(self, example_arn: str, mock_arn: str) -> None:
        """Bind the ids in an example ARN to those of the mock's ARN (which must otherwise be the same)."""
        assert_same(example_arn, mock_arn, self)

    def translate(self, argv: tuple[str, ...]) -> list[str]:
        """``argv`` with every bound example id replaced by the mock's."""
        if not self.to_mock:
            return list(argv)
        pattern = re.compile("|".join(re.escape(key) for key in sorted(self.to_mock, key=len, reverse=True)))
        return [pattern.sub(lambda m: self.to_mock[m.group(0)], arg) for arg in argv]


def _same_string(expected: str, actual: str, ids: Ids, path: str) -> None:
    tokens = list(_TOKEN.finditer(expected))
    if not tokens:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        return
    pattern, position = "", 0
    for token in tokens:
        kind = next(kind for kind in KINDS if re.fullmatch(kind, token.group(0)))
        pattern += re.escape(expected[position : token.start()]) + f"({kind})"
        position = token.end()
    pattern += re.escape(expected[position:])
    match = re.fullmatch(pattern, actual)
    assert match is not None, f"{path}: {actual!r} is not shaped like {expected!r}"
    for token, value in zip(tokens, match.groups(), strict=True):
        ids.bind(token.group(0), value)


def assert_same(expected: Any, actual: Any, ids: Ids, path: str = "$") -> None:
    """``actual`` equals ``expected`` key for key and item for item, ids matched through ``ids``."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} is not an object"
        assert sorted(actual) == sorted(expected), f"{path}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            assert_same(value, actual[key], ids, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: {actual!r} is not a list"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items, the example has {len(expected)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_same(want, got, ids, f"{path}[{index}]")
    elif isinstance(expected, str):
        assert isinstance(actual, str), f"{path}: {actual!r} is not a string"
        _same_string(expected, actual, ids, path)
    else:
        assert type(actual) is type(expected) and actual == expected, f"{path}: {actual!r} != {expected!r}"
