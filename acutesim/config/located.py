"""One formatter of pydantic errors into located one-line problems, with did-you-mean hints.

``funding.regime: 'fixed_budget' is not one of 'fee-per-dbc', 'fixed-budget'; did you mean
'fixed-budget'?`` for a scenario table, ``finance.toml [costs]: unknown key ...`` for a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from acutesim.errors import did_you_mean

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """A frozen pydantic model that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- located messages ----------------------------------------------------------------------
def _fields_at(model: type[BaseModel], path: Sequence[Any]) -> list[str]:
    """Field names of the (nested) model at ``path``, for did-you-mean hints."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            continue  # a key of a table of models, e.g. the role in staff.<role>
        current = _model_in(info.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _where(table: str, path: Sequence[Any], *, in_file: bool) -> str:
    """``funding.regime`` for a scenario table, ``finance.toml [tariffs]`` for a file."""
    keys = ".".join(str(p) for p in path)
    if not keys:
        return table
    return f"{table} [{keys}]" if in_file else f"{table}.{keys}"


def format_errors(
    err: ValidationError, table: str, model: type[BaseModel], *, in_file: bool = False
) -> list[str]:
    """Return one located line per error of ``err`` (``table`` names the scenario table or file)."""
    lines: list[str] = []
    for e in err.errors():
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        loc = [p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]"))]
        if e["type"] == "extra_forbidden":
            bad = str(loc[-1]) if loc else "?"
            hint = did_you_mean(bad, _fields_at(model, loc[:-1]))
            lines.append(f"{_where(table, loc[:-1], in_file=in_file)}: unknown key '{bad}'{hint}")
            continue
        where = _where(table, loc, in_file=in_file)
        value = e.get("input")
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "literal_error":
            expected = msg.removeprefix("Input should be ").replace(" or ", ", ")
            choices = [c.strip(" '") for c in expected.split(",")]
            hint = did_you_mean(str(value), choices)
            lines.append(f"{where}: {value!r} is not one of {expected}{hint}")
            continue
        shown = "" if isinstance(value, dict | list | tuple) else f" (got {value!r})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def parse_model(
    model: type[M], data: Any, table: str, problems: list[str], *, in_file: bool = False
) -> M | None:
    """Return the validated model, or None after appending its located problems."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as err:
        problems.extend(format_errors(err, table, model, in_file=in_file))
        return None
