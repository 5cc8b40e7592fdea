"""Load and validate a params file into one frozen, typed ``Params`` object.

Validation is strict where papermill is lenient: an unknown key, a key given twice, a missing
key, a value of the wrong type and a date that is not on the calendar are errors naming the
key, the file, the line and what was expected, raised before any notebook runs; so is a
publication date on or before the last day of the reporting period. So are a file
that cannot be read or is not UTF-8, and a folder where the file should be. The framework must
be one the package declares or one the project does (in its data folder: ``report.framework``).

The file is read within the limits of a YAML document (``core/limits.py``: its size, and its
values and levels once YAML's aliases are expanded), and a value quoted in a message is cut to
a line (``shorten.quoted``). A reporting period outside 11 to 13 months is not an error but a
warning (``Params.period_problem``), which a ``--strict`` build refuses.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import logging
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from safeguarding_report.core import framework, limits, shorten
from safeguarding_report.core.errors import ParamsError

log = logging.getLogger(__name__)

# A partnership of several authorities: its area code joins theirs, e.g.
# "E06000016+E10000018+E06000017".
JOIN = "+"
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LA_CODE_PATTERN = re.compile(r"^(E(06|08|09|10)\d{6}|\d{3})$")
# An unquoted old LA code reads as a YAML integer; without a leading zero it is clearly the code.
_UNQUOTED_LA_CODE = re.compile(r"^[1-9]\d{2}$")
# The id names folders and files (outputs/<id>/, outputs/.<id>.building-<hex>/): well within the
# 255 bytes a file system allows a name. ``new`` makes ids within it (``shorten.file_name``).
MAX_ID_CHARS = 64
# The guidance asks for a report on every 12-month period: a period of 11 to 13 months is one.
PERIOD_MONTHS = (11, 13)


@dataclass(frozen=True)
class Params:
    """One report's parameters, as read from ``params/<id>.yaml``."""

    id: str  # report id: names the outputs folder, e.g. "kent-2022"
    partnership: str  # the safeguarding partnership's full name
    local_authority: str  # E-code (E06/E08/E09/E10) or old 3-digit code; several joined by +
    period_start: dt.date  # first day of the reporting period
    period_end: dt.date  # last day of the reporting period
    comparison_year: int  # published statistics for the year ending 31 March of this year
    trend_years: int  # how many years the trends show, ending at comparison_year
    publication_date: dt.date  # shown on the title page
    framework: str  # statutory framework: an id from data/frameworks/ or core/frameworks/
    suppress_from: int = 1  # counts from suppress_from to suppress_to are shown as [c]
    suppress_to: int = 5
    # A course evaluation's result from fewer respondents than this is shown as [u] (low
    # reliability) rather than as a change: respondents are staff, so nothing is withheld.
    reliable_from: int = 30
    # The limits the partnership's records are read within (core/limits.py): the kit's, or
    # higher where the params file raises one (its ``limits`` key).
    limits: limits.Limits = limits.KIT

    @property
    def local_authorities(self) -> tuple[str, ...]:
        """The code of each local authority the partnership covers (one for most)."""
        return tuple(self.local_authority.split(JOIN))

    @property
    def period_label(self) -> str:
        """The reporting period in words, e.g. '1 October 2021 to 30 September 2022'."""
        return f"{_long_date(self.period_start)} to {_long_date(self.period_end)}"

    @property
    def publication_label(self) -> str:
        """The publication date in words, e.g. '15 December 2022'."""
        return _long_date(self.publication_date)

    @property
    def period_problem(self) -> str:
        """What is wrong with the reporting period's length: "" when it is 11 to 13 months
        (``PERIOD_MONTHS``), else a sentence saying how long it is and what is expected."""
        after = self.period_end + dt.timedelta(days=1)
        shortest, longest = (_months_on(self.period_start, n) for n in PERIOD_MONTHS)
        if shortest <= after <= longest:
            return ""
        start = self.period_start
        months = (after.year - start.year) * 12 + after.month - start.month
        months -= _months_on(start, months) > after  # whole months only
        days = (after - _months_on(self.period_start, months)).days
        parts = [f"{months} month{'s' * (months != 1)}" * bool(months)]
        parts += [f"{days} day{'s' * (days != 1)}" * bool(days)]
        length = " and ".join(part for part in parts if part)
        if months % 12 == 0 and not days:
            length = f"{months // 12} year{'s' * (months != 12)}"
        return (
            f"the reporting period, {self.period_label}, is {length} long. Expected "
            f"{PERIOD_MONTHS[0]} to {PERIOD_MONTHS[1]} months: the guidance asks for a report "
            "on every 12-month period. Correct 'period_start' or 'period_end'"
        )

    def check_period(self, source: object, *, strict: bool) -> None:
        """Say when the reporting period is not about a year long (``period_problem``): a
        warning, or with ``strict`` a ParamsError naming ``source``, the params file."""
        problem = self.period_problem
        if problem and strict:
            raise ParamsError(f"{source}: strict mode: {problem}, or build without --strict.")
        if problem:
            log.warning("%s: %s (a --strict build refuses it).", source, problem)

    def section_environment(self) -> dict[str, str]:
        """What each section's process adds to its environment: the disclosure thresholds, and
        the limits of its records where the params file raises one."""
        raised = limits.as_text(self.limits)
        return {
            SUPPRESS_ENV: f"{self.suppress_from}-{self.suppress_to}",
            RELIABLE_ENV: str(self.reliable_from),
        } | ({limits.LIMITS_ENV: raised} if raised else {})

    def notebook_parameters(self, data_dir: Path) -> dict[str, Any]:
        """The values injected into every section notebook's ``parameters`` cell."""
        return {
            "report_id": self.id,
            "partnership": self.partnership,
            "la_code": self.local_authority,
            "comparison_year": self.comparison_year,
            "trend_years": self.trend_years,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "framework": self.framework,
            "data_dir": str(data_dir),
        }

    def as_dict(self) -> dict[str, Any]:
        """Plain values (dates as ISO strings), for the manifest; ``limits`` only when the
        params file raises one (then the raised ones)."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        raised = values.pop("limits").raised()
        return {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in values.items()
        } | ({"limits": raised} if raised else {})


_TYPES: dict[str, type] = {
    "id": str,
    "partnership": str,
    "local_authority": str,
    "period_start": dt.date,
    "period_end": dt.date,
    "comparison_year": int,
    "trend_years": int,
    "publication_date": dt.date,
    "framework": str,
    "suppress_from": int,
    "suppress_to": int,
    "reliable_from": int,
    "limits": dict,
}
# Keys a params file may leave out, and the value each then takes.
_DEFAULTS: dict[str, Any] = {
    "suppress_from": 1,
    "suppress_to": 5,
    "reliable_from": 30,
    "limits": limits.KIT,
}
_UNKNOWN_SHOWN = 3  # unknown keys a message names (it counts the others)
# How the build tells the sections' presentation path its disclosure thresholds ("1-5").
SUPPRESS_ENV = "SAFEGUARDING_REPORT_SUPPRESS"
# How it tells them the fewest respondents a course evaluation's result is reliable from ("30").
RELIABLE_ENV = "SAFEGUARDING_REPORT_RELIABLE_FROM"


def load(path: Path, *, data: Path | None = None) -> Params:
    """Read and validate ``path``; raise ``ParamsError`` naming the key at fault.

    A framework the project declares in its data folder (``data/frameworks/``) is accepted
    too. That folder is ``data``; by default, the one beside the ``params/`` folder that holds
    ``path`` (``<project>/params/<id>.yaml`` and ``<project>/data/``).
    """
    if path.is_dir():
        raise ParamsError(
            f"{path}: is a folder, not a params file. Give the path of a YAML file such as "
            "params/kent-2022.yaml."
        )
    if not path.exists():
        raise ParamsError(
            f"{path}: params file not found. Give the path of a YAML file such as "
            "params/kent-2022.yaml."
        )
    try:
        limits.check_yaml_file(path, str(path), ParamsError)
        content = path.read_bytes()
    except OSError as exc:
        raise ParamsError(
            f"{path}: could not read the params file ({exc.strerror or exc}). Check that it "
            "is a file you may read."
        ) from exc
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ParamsError(
            f"{path}: line {line} holds byte 0x{content[exc.start]:02x}, which is not UTF-8. "
            "Save the file as UTF-8 (most editors offer it under 'Save as' or 'Encoding')."
        ) from exc
    loader = _Loader(text, source=str(path))
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        # PyYAML's own message spans several lines and repeats the place: keep its problem.
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParamsError(
            f"{path}:{where} is not valid YAML ({problem}). Check the line above it too: an "
            "unclosed bracket or quote is often the cause."
        ) from exc
    finally:
        loader.dispose()
    if raw is None:
        raise ParamsError(f"{path}: the file is empty; expected every key of a params file.")
    if not isinstance(raw, dict):
        raise ParamsError(
            f"{path}: expected a mapping of keys to values, found {shorten.quoted(raw)}."
        )
    if data is None:
        data = path.absolute().parent.parent / "data"
    return validate(raw, source=str(path), lines=loader.key_lines, data=data)


def validate(
    raw: Mapping[Any, Any],
    source: str = "params",
    *,
    lines: Mapping[str, int] | None = None,
    data: Path | None = None,
) -> Params:
    """Check keys and types of an already-parsed mapping and build ``Params``.

    ``lines`` gives the line each key is on, for messages; ``data`` is the project's data
    folder, whose ``frameworks/`` may declare frameworks beside the package's.
    """
    where = _Where(source, lines or {})
    unknown = [str(k) for k in raw if k not in _TYPES]
    if unknown:
        shown = unknown[:_UNKNOWN_SHOWN]
        detail = "; ".join(f"{shorten.quoted(k)}{_suggest(k)}" for k in shown)
        if len(unknown) > len(shown):
            detail += f"; and {len(unknown) - len(shown)} more"
        raise ParamsError(
            f"{where(unknown[0])}: unknown key {detail}. Allowed keys: {', '.join(_TYPES)}."
        )
    missing = [k for k in _TYPES if k not in raw and k not in _DEFAULTS]
    if missing:
        raise ParamsError(f"{source}: missing key {', '.join(repr(k) for k in missing)}.")
    values = {key: _check_type(where(key), key, raw[key]) for key in _TYPES if key in raw}
    values = {**_DEFAULTS, **values}
    params = Params(**values)
    _check_values(source, params, data)
    _check_publication(where, params)
    _check_suppression(where, params)
    return params


@dataclass(frozen=True)
class _Where:
    """Says where a key is: 'params/x.yaml, line 4', or just the file when the line is unknown."""

    source: str
    lines: Mapping[str, int]

    def __call__(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.source}, line {line}" if line else self.source


def _check_type(source: str, key: str, value: Any) -> Any:
    expected = _TYPES[key]
    if expected is dt.date:
        if isinstance(value, _NotADate):
            raise ParamsError(
                f"{source}: key '{key}' is {value}, which is not a date on the calendar "
                f"({value.reason}). Write a real date as YYYY-MM-DD."
            )
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise ParamsError(
            f"{source}: key '{key}' must be a date written YYYY-MM-DD, found "
            f"{shorten.quoted(value)}."
        )
    if key == "local_authority" and isinstance(value, int) and not isinstance(value, bool):
        return _unquoted_code(source, value)
    if key == "local_authority" and isinstance(value, list):
        return _several_codes(source, value)
    if key == "limits":
        return _raised_limits(source, value)
    if expected is int:
        # bool is an int in Python; 'true' is never a year
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)  # a plain int, not the loader's _WrittenInt
        raise ParamsError(
            f"{source}: key '{key}' must be a whole number, found {shorten.quoted(value)}."
        )
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ParamsError(
        f"{source}: key '{key}' must be non-empty text, found {shorten.quoted(value)}."
    )


def _check_values(source: str, p: Params, data: Path | None) -> None:
    _expect(
        source,
        "id",
        bool(_ID_PATTERN.match(p.id)),
        "lower-case words joined by hyphens (e.g. kent-2022)",
        shorten.quoted(p.id),
    )
    _expect(
        source,
        "id",
        len(p.id) <= MAX_ID_CHARS,
        f"at most {MAX_ID_CHARS} characters long (it names the report's folders and files)",
        f"{len(p.id)} characters",
    )
    for code in p.local_authorities:
        _expect(
            source,
            "local_authority",
            bool(_LA_CODE_PATTERN.match(code)),
            "a local authority E-code (E06, E08, E09 or E10 and six digits) or an old 3-digit "
            "code, or a list of them for a partnership of several authorities",
            shorten.quoted(code),
        )
    if p.period_end <= p.period_start:
        raise ParamsError(
            f"{source}: key 'period_end' ({p.period_end}) must come after "
            f"'period_start' ({p.period_start})."
        )
    _expect(
        source,
        "comparison_year",
        2010 <= p.comparison_year <= 2100,
        "a year ending 31 March between 2010 and 2100",
        p.comparison_year,
    )
    frameworks = framework.available(data)
    _expect(
        source,
        "framework",
        p.framework in frameworks,
        f"one of {', '.join(frameworks)}",
        shorten.quoted(p.framework),
    )
    framework.load(p.framework, data)  # a project's declaration is checked here, naming its file
    _expect(source, "trend_years", 1 <= p.trend_years <= 15, "between 1 and 15", p.trend_years)


def _expect(source: str, key: str, holds: bool, expected: str, found: object) -> None:
    """ParamsError unless ``holds``: 'key 'k' must be <expected>, found <found>.'"""
    if not holds:
        raise ParamsError(f"{source}: key '{key}' must be {expected}, found {found}.")


def _check_publication(where: _Where, p: Params) -> None:
    # A report on a period is published once the period is over; an earlier date is a slip
    # (often last year's date kept, or the period's year mistyped).
    if p.publication_date <= p.period_end:
        lines = [where.lines.get(key) for key in ("publication_date", "period_end")]
        at = f", lines {lines[0]} and {lines[1]}" if all(lines) else ""
        raise ParamsError(
            f"{where.source}{at}: key 'publication_date' ({p.publication_date}) must come after "
            f"'period_end' ({p.period_end}): a report is published once its reporting period "
            "is over. Correct whichever of the two is wrong."
        )


def _check_suppression(where: _Where, p: Params) -> None:
    if p.suppress_from < 1:
        raise ParamsError(
            f"{where('suppress_from')}: key 'suppress_from' must be 1 or more (a count of 0 "
            f"identifies no one), found {p.suppress_from}."
        )
    if p.suppress_to < p.suppress_from:
        raise ParamsError(
            f"{where('suppress_to')}: key 'suppress_to' ({p.suppress_to}) must not be below "
            f"'suppress_from' ({p.suppress_from}); the default withholds counts from 1 to 5."
        )
    if p.reliable_from < 2:
        raise ParamsError(
            f"{where('reliable_from')}: key 'reliable_from' must be 2 or more (one person's "
            f"answer is no measure of a course), found {p.reliable_from}; the default is 30."
        )


def _raised_limits(source: str, value: Any) -> limits.Limits:
    """The ``limits`` key: a mapping of limit names (``limits.RAISABLE``) to whole numbers, each
    at least the kit's (a limit is raised where a partnership's records really need it)."""
    if not isinstance(value, dict):
        raise ParamsError(
            f"{source}: key 'limits' must be a mapping of limits to raise (e.g. 'rows: 50000' "
            f"on the next line, indented), found {shorten.quoted(value)}."
        )
    raised = {}
    for name, number in value.items():
        if name not in limits.RAISABLE:
            raise ParamsError(
                f"{source}: key 'limits' names {shorten.quoted(name)}"
                f"{_suggest(str(name), limits.RAISABLE)}, which is not a limit a params file "
                "can raise. Expected one of "
                f"{', '.join(limits.RAISABLE)}."
            )
        kit = getattr(limits.KIT, name)
        if isinstance(number, bool) or not isinstance(number, int) or number < kit:
            raise ParamsError(
                f"{source}: key 'limits', '{name}' must be a whole number of at least "
                f"{kit:,} (the kit's own limit: a params file raises a limit, never lowers "
                f"it), found {shorten.quoted(number)}."
            )
        raised[name] = int(number)
    return limits.Limits(**raised)


def _unquoted_code(source: str, value: int) -> str:
    """An old 3-digit LA code written without quotes, which YAML read as a number."""
    written = getattr(value, "written", str(value))
    if _UNQUOTED_LA_CODE.match(written):
        return written
    written = shorten.cut(written, shorten.QUOTED_CHARS)
    raise ParamsError(
        f"{source}: key 'local_authority' was written {written}, which YAML reads as the "
        f"number {int(value)}, not a code. Put the code in quotes, "
        f'local_authority: "{written}", or give the E-code (e.g. E10000016).'
    )


def _several_codes(source: str, value: list[Any]) -> str:
    """The local authorities of a partnership that covers several, as one area code."""
    codes = [
        _unquoted_code(source, item)
        if isinstance(item, int) and not isinstance(item, bool)
        else str(item).strip()
        for item in value
    ]
    if not codes or not all(codes) or any(isinstance(i, (list, dict)) for i in value):
        raise ParamsError(
            f"{source}: key 'local_authority' must be a code or a list of codes, found "
            f"{shorten.quoted(value)}."
        )
    repeated = [c for c in dict.fromkeys(codes) if codes.count(c) > 1]
    if repeated:
        raise ParamsError(
            f"{source}: key 'local_authority' lists "
            f"{shorten.cut(repeated[0], shorten.QUOTED_CHARS)} twice. Name each local authority "
            "once."
        )
    return JOIN.join(codes)


class _NotADate(str):
    """A value written like a date but not on the calendar (2021-02-30), kept for the message."""

    reason: str


class _WrittenInt(int):
    """A YAML integer that remembers how it was written (025 is the number 21)."""

    written: str


class _Loader(limits.YamlLoader):
    """YAML's safe loader within the limits of a YAML document, stricter: a key given twice is
    an error naming both lines.

    It also keeps impossible dates and integers as written, so that the checks can name them,
    and the line each key is on.
    """

    error = ParamsError

    def __init__(self, text: str, *, source: str) -> None:
        super().__init__(text, source=source)
        self.key_lines: dict[str, int] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):
                continue  # the base class says what is wrong with it
            if key in seen:
                raise ParamsError(
                    f"{self.source}: key {shorten.quoted(key)} is given twice, on line "
                    f"{seen[key]} and line {line}. Keep one of them."
                )
            seen[key] = line
            self.key_lines.setdefault(str(key), line)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            value = _NotADate(node.value)
            value.reason = str(exc)
            return value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        value = _WrittenInt(super().construct_yaml_int(node))
        value.written = str(node.value)
        return value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _months_on(day: dt.date, months: int) -> dt.date:
    """The day ``months`` calendar months after ``day`` (the month's last day where it is
    shorter: 31 January and one month is 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _suggest(key: str, names: Iterable[str] = _TYPES) -> str:
    close = difflib.get_close_matches(key, list(names), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
