"""Trajectory files: the recorded actions of each step, one JSON file per case file.

``cases/login.yaml`` -> ``cases/__trajectories__/login.yaml.json``. The format is meant for review
in pull requests: keys sorted, two-space indent, steps in case order, one entry per step, so
re-planning one step changes only that entry. A file that cannot be read or fails its schema is
reported by name and never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_webagent.cases.model import Step
from pytest_webagent.cases.templating import PLACEHOLDER, SECRET_PREFIX
from pytest_webagent.errors import TrajectoryFileError
from pytest_webagent.schemas import trajectory_validator

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

FORMAT_VERSION = 1
TRAJECTORY_DIR = "__trajectories__"
MAX_FILE_BYTES = 64_000_000  # thousands of cases take a few MB; anything bigger is not ours
Entry = dict[str, Any]
Action = dict[str, Any]
VALUE_FIELDS = ("value", "text", "url")  # action fields that may come from a placeholder
QUOTED = re.compile(r'"([^"]*)"')


def trajectory_path(source: Path) -> Path:
    """Where the trajectory of the cases in ``source`` (a case file or test module) lives."""
    return source.parent / TRAJECTORY_DIR / f"{source.name}.json"


def entry_key(entry: Entry) -> tuple[str, str, int]:
    return entry["kind"], entry["text"], entry["occurrence"]


def step_key(step: Step) -> tuple[str, str, int]:
    return step.kind.value, step.template, step.occurrence


@dataclass
class TrajectoryFile:
    path: Path
    cases: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> TrajectoryFile:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(read_bounded(path), object_pairs_hook=_refuse_duplicate_keys)
        except DuplicateKey as duplicate:
            raise TrajectoryFileError(
                f"{path}: duplicate key {duplicate.key!r} (a merge of two branches?): JSON keeps "
                "only the last one; remove one of them by hand (it is not overwritten)"
            ) from None
        except (OSError, UnicodeDecodeError, RecursionError, json.JSONDecodeError) as error:
            raise TrajectoryFileError(
                f"{path}: unreadable trajectory file ({error}); fix it or delete it to re-record "
                "(it is not overwritten)"
            ) from None
        _check_version(path, data)
        invalid = schema_error(data)
        if invalid is not None:
            where = "/".join(str(part) for part in invalid.absolute_path) or "(top level)"
            raise TrajectoryFileError(
                f"{path}: invalid trajectory file at {where}: {invalid.message}; fix it or delete "
                "it to re-record (it is not overwritten)"
            )
        return cls(path, {name: case["steps"] for name, case in data["cases"].items()})

    def lookup(self, case_id: str, step: Step) -> Entry | None:
        wanted = step_key(step)
        return next((e for e in self.cases.get(case_id, ()) if entry_key(e) == wanted), None)

    def nearest(self, case_id: str, step: Step) -> str | None:
        """Text of the recorded step most like ``step``, to explain a miss."""
        import difflib  # only to explain a miss: not worth its import for every session

        texts = [entry["text"] for entry in self.cases.get(case_id, ())]
        close = difflib.get_close_matches(step.template, texts, n=1, cutoff=0.5)
        return close[0] if close else None

    def update_case(self, case_id: str, entries: list[Entry]) -> None:
        """Replace a case's entries by ``entries`` (case order), keeping stale ones in place.

        A stale entry stays right after the entry that preceded it in the file, so removing or
        rewording a step shows in a diff as that one entry, not as a block moved to the end.
        """
        fresh = {entry_key(entry) for entry in entries}
        merged: list[Entry] = []
        pending_stale: list[Entry] = []  # stale entries before the first fresh one
        after: dict[tuple[str, str, int], list[Entry]] = {}
        anchor: tuple[str, str, int] | None = None
        for old in self.cases.get(case_id, ()):
            key = entry_key(old)
            if key in fresh:
                anchor = key
            elif anchor is None:
                pending_stale.append(old)
            else:
                after.setdefault(anchor, []).append(old)
        merged.extend(pending_stale)
        for entry in entries:
            merged.append(entry)
            merged.extend(after.get(entry_key(entry), ()))
        self.cases[case_id] = merged

    def prune(self, keep: dict[str, set[tuple[str, str, int]]]) -> int:
        """Drop entries not in ``keep`` (case id -> step keys); returns how many were dropped."""
        dropped = 0
        for case_id in list(self.cases):
            wanted = keep.get(case_id)
            entries = self.cases[case_id]
            kept = [e for e in entries if wanted is not None and entry_key(e) in wanted]
            dropped += len(entries) - len(kept)
            if kept:
                self.cases[case_id] = kept
            else:
                del self.cases[case_id]
        return dropped

    def to_json(self) -> str:
        data = {
            "version": FORMAT_VERSION,
            "cases": {name: {"steps": steps} for name, steps in self.cases.items()},
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self) -> bool:
        """Write atomically if the content changed; returns whether the file was written."""
        text = self.to_json()
        if self.path.exists() and read_bounded(self.path) == text:
            return False
        write_atomic(self.path, text)
        return True


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; a trajectory that has one (two branches that
    each recorded a case, merged by git) would silently lose the first on the next write."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


def read_bounded(path: Path) -> str:
    """The text of a trajectory file, refusing what is not a regular file or is too big to be
    one (a symlink to ``/dev/zero``, a multi-gigabyte accident) before reading it whole."""
    with path.open("rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"not a regular file ({stat.filemode(status.st_mode)})")
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"larger than {MAX_FILE_BYTES} bytes, the limit for a trajectory file")
    return data.decode("utf-8")


def schema_error(data: Any) -> ValidationError | None:
    """The schema error ``load`` reports for ``data`` (None when it is valid)."""
    from jsonschema.exceptions import best_match  # on first use, as in schemas/__init__.py

    error: ValidationError | None = best_match(trajectory_validator().iter_errors(data))
    return error


def _check_version(path: Path, data: Any) -> None:
    """A file of another format version gets its own message: the fix is an upgrade, not an edit."""
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and version != FORMAT_VERSION:
        newer = "a newer" if version > FORMAT_VERSION else "an older"
        raise TrajectoryFileError(
            f"{path}: trajectory format version {version} (written by {newer} pytest-webagent); "
            f"this version reads format {FORMAT_VERSION}. Upgrade pytest-webagent, or delete the "
            "file to re-record (it is not overwritten)"
        )


def write_atomic(path: Path, text: str) -> None:
    """Temporary file in the same directory, fsync, rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stale_entries(
    trajectory: TrajectoryFile, defined: dict[str, set[tuple[str, str, int]]]
) -> Iterable[tuple[str, Entry]]:
    """Entries of ``trajectory`` that no case in ``defined`` (case id -> step keys) uses."""
    for case_id, entries in trajectory.cases.items():
        for entry in entries:
            if case_id not in defined or entry_key(entry) not in defined[case_id]:
                yield case_id, entry


# -- placeholders ---------------------------------------------------------------------------------
# A trajectory stores what the author wrote: `Fill "Email" with "{{ user }}"` records the value
# "{{ user }}", and replay substitutes the case's current value. Storing "bob" instead would keep
# replaying "bob" after the case file changed `user`, with nothing to notice the difference.


def step_values(step: Step) -> dict[str, str]:
    """The values of the placeholders of ``step``, read back from its rendered text."""
    names: dict[str, str] = {}  # placeholder name -> regex group name
    pattern, position = [], 0
    for match in PLACEHOLDER.finditer(step.template):
        pattern.append(re.escape(step.template[position : match.start()]))
        name = match.group(1)
        if name.startswith(SECRET_PREFIX):
            pattern.append(re.escape(match.group(0)))  # secrets stay placeholders in the text
        elif name in names:
            pattern.append(f"(?P={names[name]})")
        else:
            names[name] = f"g{len(names)}"
            pattern.append(f"(?P<{names[name]}>.*?)")
        position = match.end()
    pattern.append(re.escape(step.template[position:]))
    found = re.fullmatch("".join(pattern), step.text, re.DOTALL)
    if found is None:
        return {}
    return {name: found.group(group) for name, group in names.items()}


def with_placeholders(actions: list[Action], step: Step, values: dict[str, str]) -> list[Action]:
    """``actions`` as a trajectory stores them: values that came from a placeholder put back."""
    rendered, written = QUOTED.findall(step.text), QUOTED.findall(step.template)
    # A value with quotes in it shifts the segments: then do not guess which is which.
    quoted = dict(zip(rendered, written, strict=True)) if len(rendered) == len(written) else {}
    by_value = {value: f"{{{{ {name} }}}}" for name, value in values.items() if value}
    return [_generalise(action, quoted, by_value) for action in actions]


def _generalise(action: Action, quoted: dict[str, str], by_value: dict[str, str]) -> Action:
    result = dict(action)
    for field_name in VALUE_FIELDS:
        value = action.get(field_name)
        if not isinstance(value, str):
            continue
        if value in quoted and PLACEHOLDER.search(quoted[value]):
            result[field_name] = quoted[value]  # the step's own quoted text, as written
        elif value in by_value:
            result[field_name] = by_value[value]  # a planned value equal to a placeholder's
    return result


def concrete(action: Action, values: dict[str, str]) -> Action:
    """A recorded action with the case's current values substituted (secrets left as they are)."""

    def substitute(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    result = dict(action)
    for field_name in VALUE_FIELDS:
        value = action.get(field_name)
        if isinstance(value, str) and "{{" in value:
            result[field_name] = PLACEHOLDER.sub(substitute, value)
    return result
