"""Turn pydantic errors into located problem lines, and read and validate a TOML file.

One line per problem, naming the file, the key or row, the value and what was expected,
with a did-you-mean hint for unknown keys; every loader collects these lines and raises
one ConfigError.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from acutesim.config import checks
from acutesim.config import schema as sc
from acutesim.config.textfile import read_toml
from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    pass

M = TypeVar("M", bound=BaseModel)
# pydantic error types of a value that is not a (finite) number
NUMBER_ERRORS = ("int_parsing", "float_parsing", "int_from_float", "finite_number")


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(sc).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


KNOWN_KEYS = _all_field_names()


def _loc(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def format_validation_error(err: ValidationError, where: str) -> list[str]:
    """Turn a pydantic error into located one-line problems.

    Parameters
    ----------
    err : ValidationError
        The error to format.
    where : str
        File and location prefix, e.g. ``"region.toml"``.
    """
    lines = []
    for e in err.errors():
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        # Strip pydantic's union/literal tags such as 'literal['24/7']' from the location.
        loc = [p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]"))]
        key = _loc(loc)
        if e["type"] == "extra_forbidden":
            bad = str(loc[-1]) if loc else "?"
            parent = _loc(loc[:-1])
            at = f" [{parent}]" if parent else ""
            lines.append(f"{where}{at}: unknown key '{bad}'{did_you_mean(bad, KNOWN_KEYS)}")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        if _reported_by_tree_check(value):
            continue
        if isinstance(value, str) and e["type"] in NUMBER_ERRORS:
            msg += checks.localised_number_hint(value)
        shown = "" if isinstance(value, dict | list | tuple) else f" (got {value!r})"
        at = f" [{key}]" if key else ""
        lines.append(f"{where}{at}: {msg}{shown}")
    return lines


def _reported_by_tree_check(value: Any) -> bool:
    """True for a TOML value that :func:`checks.check_tree` has already refused."""
    if isinstance(value, float) and not math.isfinite(value):
        return True
    if isinstance(value, dt.date | dt.datetime) and not isinstance(value, bool):
        day = value.date() if isinstance(value, dt.datetime) else value
        return not checks.DATE_MIN <= day <= checks.DATE_MAX
    return False


NONFINITE_ECHO = ("(got nan)", "(got inf)", "(got -inf)")


def read_toml_checked(
    path: Path, problems: list[str], *, label: str | None = None
) -> dict[str, Any] | None:
    """Read a TOML file strictly and check every number, date and text in it."""
    data = read_toml(path, problems, label=label)
    if data is not None:
        checks.check_tree(data, label or path.name, problems)
    return data


def validate(model: type[M], data: Any, where: str, problems: list[str]) -> M | None:
    """``data`` validated as ``model``, or None with its problems added (at ``where``)."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems.extend(format_validation_error(err, where))
        return None
