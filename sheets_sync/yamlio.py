"""YAML as the workspace and mapping files are read: dates stay text for pydantic.

PyYAML turns an unquoted ``2026-02-30`` into a date itself, and an impossible one raised
``ValueError`` from inside the parser, past the YAMLError handlers: a traceback for a
typo. Left as text, the date is checked by the field that holds it, whose error names
it (``period.end: '2026-02-30' is no day of the calendar``), as every other bad value's
does.
"""

from __future__ import annotations

import difflib
import errno
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel

from sheets_sync.domain.celltext import one_line
from sheets_sync.domain.values import no_such_day
from sheets_sync.loggers import get_logger

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
log = get_logger(__name__)


class _TextDates(yaml.SafeLoader):
    """``yaml.SafeLoader`` without the implicit timestamp type."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _whole_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An int as PyYAML reads it; one past Python's digit limit (4,300) raised ValueError
    from inside the constructor, past the YAMLError handlers: a traceback."""
    try:
        return int(loader.construct_yaml_int(node))
    except ValueError:
        digits = sum(c.isdigit() for c in node.value)
        raise yaml.constructor.ConstructorError(
            problem=f"a whole number of {digits:,} digits; no setting needs more than "
            f"{sys.get_int_max_str_digits():,}",
            problem_mark=node.start_mark,
        ) from None


_TextDates.add_constructor("tag:yaml.org,2002:int", _whole_number)


#: values a document may hold once its aliases are expanded: a "billion laughs" file of
#: ten nested anchors (under 1 KB) expanded to 3.5 billion and hung the run for good
MAX_VALUES = 1_000_000


#: bytes a workspace file may have (about 50,000 teams): an 18 MB one took 700 MB of
#: memory and minutes to parse before any check could say what was wrong with it
MAX_BYTES = 4 * 1024 * 1024


class YamlTooLargeError(OSError):
    """A YAML file past ``MAX_BYTES``; read no further than that. An ``OSError``, not a
    ``SheetsSyncError``: the callers already turn a file they cannot read into their own
    error (``ConfigError``, ``MappingError``) naming the file, and this joins that path."""

    def __init__(self) -> None:
        super().__init__(
            errno.EFBIG, f"larger than {MAX_BYTES:,} bytes, more than any workspace needs"
        )

    def __str__(self) -> str:
        return str(self.strerror)


def read_text(path: Path) -> str:
    """The file's text, read no further than ``MAX_BYTES`` (UTF-8)."""
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlTooLargeError
    return data.decode("utf-8")


def load_yaml(text: str, source: str = "") -> Any:
    """``yaml.safe_load`` with dates as text (raises ``yaml.YAMLError`` as it does, also
    for a document whose aliases expand past ``MAX_VALUES`` or that nests so deep the
    parser ran out of stack: a RecursionError traceback). ``source``: the file's name,
    for the warning about a key written twice with the same value."""
    return load_yaml_nodes(text, source)[0]


def load_yaml_nodes(text: str, source: str = "") -> tuple[Any, yaml.Node | None]:
    """``load_yaml``'s value and the node tree it was built from, which knows the line
    of each key and value (``yamlmarks``): kept, not parsed again, so a file's problems
    name their lines at no cost to a file that has none. Merge keys (``<<: *base``) are
    gone from it, their pairs copied in front of the mapping's own (PyYAML's
    ``flatten_mapping``): the last pair of a key is the one the value holds."""
    try:
        loader = _TextDates(text)
    except yaml.reader.ReaderError as exc:  # said "...\\n  in "<unicode string>", position 11"
        raise _placed(exc, text) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if _expanded(node, {}) > MAX_VALUES:
            raise yaml.MarkedYAMLError(
                problem=f"its aliases expand to more than {MAX_VALUES:,} values",
                problem_mark=node.start_mark,
            )
        _refuse_duplicate_keys(node, set(), loader, (source, hash(text)))
        return loader.construct_document(node), node
    except RecursionError:
        raise yaml.MarkedYAMLError(problem="nested too deeply") from None
    finally:
        loader.dispose()


#: a line break as YAML's reader counts one (``yaml.reader.Reader.forward``)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _placed(exc: yaml.reader.ReaderError, text: str) -> yaml.MarkedYAMLError:
    """A character YAML refuses (a control character pasted from a spreadsheet), at its
    line and column, as every other YAML problem is. Lines end where YAML ends them
    (``\r\n``, ``\r``, ``\n``, U+0085, U+2028, U+2029): counting only ``\n`` put a
    file saved with bare ``\r`` all on line 1, at a column in the thousands."""
    breaks = list(_LINE_BREAK.finditer(text, 0, exc.position))
    line = len(breaks)
    column = exc.position - (breaks[-1].end() if breaks else 0)
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return yaml.MarkedYAMLError(
        problem=f"character U+{code:04X} at column {column + 1} is one YAML does not allow; "
        "delete it",
        problem_mark=yaml.Mark("", exc.position, line, column, None, 0),
    )


_OPEN = -1


def _expanded(node: yaml.Node, seen: dict[int, int]) -> int:
    """How many values ``node`` stands for with every alias expanded (an alias is the
    same node object again, so each is counted once and its size reused). A value that
    holds itself is refused: it sent the checks walking the settings into a RecursionError."""
    size = seen.get(id(node))
    if size == _OPEN:  # a value that holds itself (``&a [*a]``): no setting does
        raise yaml.MarkedYAMLError(
            problem="an alias refers to itself", problem_mark=node.start_mark
        )
    if size is not None:
        return size
    seen[id(node)] = _OPEN
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded(k, seen) + _expanded(v, seen) for k, v in node.value)
    seen[id(node)] = size
    return size


_MERGE = "tag:yaml.org,2002:merge"
#: keys compared by the value YAML reads them as: ``yes``/``true``, ``1``/``01``, ``~``/``null``
_CORE = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null")}
_STR = "tag:yaml.org,2002:str"
#: the warnings given, with a hash of the file's text: a file loaded again (each command
#: of a long-running program) warns once, not each time
_warned: set[tuple[str, int]] = set()


def _key_of(key: yaml.ScalarNode, loader: _TextDates) -> object:
    """What makes two keys the same: the value the loaded dict holds it as (``True`` for
    ``yes`` and ``true``) for the core scalar types, else the tag and the text."""
    if key.tag in _CORE:
        return ("value", loader.construct_object(key))
    return ("text", key.tag, key.value)


def read_key(key: yaml.ScalarNode) -> object:
    """A key as the loaded dict holds it: ``_key_of``'s value for the core scalar types
    (``True`` for ``yes``, None for ``~``, 1 for ``0x1``), else its text."""
    if key.tag not in _CORE or key.tag == _STR:
        return key.value
    loader = _TextDates("")  # its own: a shared one would keep every node it constructed
    try:
        return loader.construct_object(key)
    finally:
        loader.dispose()


def _refuse_duplicate_keys(
    node: yaml.Node, seen: set[int], loader: _TextDates, source: tuple[str, int]
) -> None:
    """Refuse a mapping that names a key twice with different values. PyYAML keeps the
    last silently, so a second ``teams:`` pasted below the first dropped every team of the
    first, and a second ``scoring:`` every threshold of the first: settings that silently
    did nothing, which unknown keys are errors to prevent. The same value twice loses
    nothing (``company: Acme`` pasted twice): a warning, not a stopped night."""
    if id(node) in seen:  # an alias: checked where its anchor is
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _refuse_duplicate_keys(child, seen, loader, source)
    elif isinstance(node, yaml.MappingNode):
        first: dict[object, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                earlier, earlier_value = first.setdefault(_key_of(key, loader), (key, value))
                if earlier is not key:
                    said = f"the key {key.value!r} appears twice in one mapping (first on line "
                    said += f"{earlier.start_mark.line + 1})"
                    same = loader.construct_object(earlier_value, deep=True)
                    if same != loader.construct_object(value, deep=True):
                        raise yaml.MarkedYAMLError(
                            problem=f"{said}; the second would silently replace the first",
                            problem_mark=key.start_mark,
                        )
                    where = f"{source[0]}: " if source[0] else ""
                    message = f"{where}line {key.start_mark.line + 1}: {said}, with the same "
                    message += "value; the second is ignored"
                    if (message, source[1]) not in _warned:
                        _warned.add((message, source[1]))
                        log.warning(message)
            _refuse_duplicate_keys(value, seen, loader, source)


def not_settings(value: Any, doc: str) -> str:
    """The problem of a value where settings belong (``rollup: company.xlsx``): pydantic
    said "Input should be a valid dictionary or instance of RollupModel", a class's name.
    The value is shown as the file has it (``true``, ``[a, b]``), not as Python's repr."""
    if value is None:  # `rollup:` with nothing under it said "not None"
        return f"is empty; it should hold settings (key: value); see {doc}"
    return f"should hold settings (key: value), not {as_yaml(value)}; see {doc}"


def not_a_list(value: Any) -> str:
    """The problem of a value where a list belongs (``teams: Sales``, ``sheet: {a: b}``):
    pydantic said "Input should be a valid tuple", a Python type's name."""
    if value is None:
        return "is empty; it should be a list (- one item a line, or [a, b])"
    return f"should be a list (- one item a line, or [a, b]), not {as_yaml(value)}"


#: what a date should be written as; a period date typed as a number says it too
DATE_WANTED = "a date written as YYYY-MM-DD (2026-10-01)"


#: pydantic's error types, by what the value should have been: its messages named Python's
#: types ("Input should be a valid string", "a valid integer") and none showed the value
_SHOULD_BE = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": DATE_WANTED,
    "date_parsing": DATE_WANTED,
    "date_from_datetime_parsing": DATE_WANTED,
    "date_from_datetime_inexact": DATE_WANTED,
}
#: pydantic's bounds (``ge=1``): "Input should be greater than or equal to 1" showed no value
_BOUNDS = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}


def schema_problem(
    error: Any, root: type[BaseModel], doc: str, where: Sequence[int | str] = ()
) -> str:
    """``loc: problem`` of one of pydantic's errors (``root``: the model it is of, ``where``:
    where that model sits in the file) in the file's words, each the same way for the
    workspace file and a mapping: what the value should be, and the value as the file has
    it (``company: should be text, not 42``)."""
    field, keys = _walk(root, error["loc"])
    loc = (*where, *keys)
    kind, value, ctx = error["type"], error["input"], error.get("ctx") or {}
    if kind == "float_type" and isinstance(value, int) and not isinstance(value, bool):
        kind, ctx = "too_big", _bounds(field, value > 0)  # past a float's range (400 digits)
    if len(loc) > 1 and loc[-1] == "[key]" and kind in _SHOULD_BE:  # `columns: {5: [a]}`
        return f"{schema_loc(loc[:-2])}: the key {_given(value)} should be {_SHOULD_BE[kind]}"
    if kind == "extra_forbidden":
        said = unknown_key(root, error["loc"], doc)
    elif kind == "missing":
        said = "required"
    elif kind in ("model_type", "dict_type"):  # `rollup: company.xlsx`
        said = not_settings(value, doc)
    elif kind in ("list_type", "tuple_type"):  # `teams: Sales`
        said = not_a_list(value)
    elif kind == "string_too_short" and value == "":
        said = "is empty"
    elif kind == "literal_error":  # `layout: blocks`
        said = _not_what(ctx["expected"], value)
    elif kind == "invalid_key" and loc:  # `header: {5: x}`; its input is the key as read
        loc, said = loc[:-1], f"the key {_given(value)} should be text"  # null, not None
    elif (bound := next((b for b in _BOUNDS if b in ctx), None)) is not None:
        why = _why(field, bound)
        said = f"must be {_BOUNDS[bound]} {_number(ctx[bound])}{why} (got {_given(value)})"
    elif kind == "too_big":
        said = f"is too big a number (got {_given(value)})"
    elif (wanted := _SHOULD_BE.get(kind)) is not None:
        said = _not_what(wanted, value)
    else:
        said = str(error["msg"]).removeprefix("Value error, ")
    return f"{schema_loc(loc)}: {said}"


def _walk(root: type[BaseModel], loc: Sequence[int | str]) -> tuple[Any, tuple[int | str, ...]]:
    """The field ``loc`` ends at (None when it is not one), and ``loc`` with each key of a
    mapping as text: ``kr_fields: {5: [a]}`` said ``kr_fields[5]``, a list's index."""
    kinds: list[Any] = [root]
    field: Any = None
    keys: list[int | str] = []
    for part in loc:
        field, found, key = None, [], part
        for kind in kinds:
            origin = get_origin(kind)
            if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(part, str):
                field = kind.model_fields.get(part)
                found += [] if field is None else _kinds(field.annotation)
            elif isinstance(origin, type) and issubclass(origin, Mapping):
                key = str(part)  # a key, whatever YAML read it as
                found += _kinds(get_args(kind)[-1])
            elif isinstance(origin, type) and issubclass(origin, Sequence):
                found += [k for a in get_args(kind) if a is not Ellipsis for k in _kinds(a)]
        keys.append(key)
        kinds = found
    return field, tuple(keys)


def _kinds(annotation: Any) -> list[Any]:
    """An annotation's types: ``X | None`` and ``Annotated[X, ...]`` give X (and None)."""
    if get_origin(annotation) in (Union, UnionType):
        return [k for a in get_args(annotation) for k in _kinds(a)]
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    return [annotation]


def _why(field: Any, bound: str) -> str:
    """What a field's ``bound`` (``le``) is, when its ``json_schema_extra`` says (``{"le":
    "Excel's last row"}``), else "": ``header.row``'s 1,048,576 was said as a number alone
    (until a review on 2026-12-07)."""
    extra = getattr(field, "json_schema_extra", None)
    why = extra.get(bound) if isinstance(extra, dict) else None
    return f", {why}" if isinstance(why, str) else ""


def _bounds(field: Any, upper: bool) -> dict[str, Any]:
    """A field's upper (or lower) bound (``le=1``) as pydantic's error context has it."""
    found: dict[str, Any] = {}
    for rule in getattr(field, "metadata", ()):
        names = ("le", "lt") if upper else ("ge", "gt")
        found.update({b: getattr(rule, b) for b in names if hasattr(rule, b)})
    return found


def _not_what(wanted: str, value: Any) -> str:
    if value is None:  # `company:` with nothing after it
        return f"is empty; it should be {wanted}"
    if wanted == DATE_WANTED and isinstance(value, str) and (why := no_such_day(value)):
        return f"{as_yaml(value)} {why}"  # 2026-02-30
    said = f"should be {wanted}, not {_given(value)}"
    whole = wanted == "a whole number" and isinstance(value, str) and _is_number(value)
    if whole and "e" in value.lower():  # 1e12 (YAML's floats need a dot: text); not '2.5'
        return f"should be a whole number written in digits, not {_given(value)}"
    if wanted == "text" and isinstance(value, bool):
        return f"{said} (YAML reads yes, no, on and off as true or false); put it in quotes"
    if wanted == "text" and isinstance(value, int | float):
        return f"{said}; put it in quotes if it is meant as text ('{_given(value)}')"
    return said


def _given(value: Any) -> str:
    """The value as the file has it; a number YAML left as text (``1e400``, ``1e12``:
    PyYAML's floats need a dot) is shown as the number it was typed as, cut as any other
    value (500 digits in quotes made a line of 568 characters)."""
    if isinstance(value, str) and _is_number(value):
        return _cut(value.strip())
    return as_yaml(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


#: the start of an escape (``\\x1b``, ``\\u202e``, ``\\U0010ffff``, ``\\n``) left at the end
#: of a cut: the cut goes before it, not through it
_HALF_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]?|u[0-9a-fA-F]{0,3}|U[0-9a-fA-F]{0,7})?$")


def _shown(text: str) -> str:
    """``text`` as a message quotes it: ``one_line``, the rule of every line the tool
    prints. It escapes all YAML writes only in double quotes, which would double the
    backslash of each escape (``["a\\\\x1b\\uFEFF"]``): controls, U+FEFF, lone
    surrogates and the non-characters; this file kept a second list of those until
    2026-12-06, which the log and the console did not escape."""
    return one_line(text)


def _cut(shown: str) -> str:
    """A value in a message: 60 characters at most (a message quotes, it does not copy),
    its control characters shown as escapes (``_shown``, ``one_line`` as every line the
    tool prints) and counted as they are shown; a cut never splits an escape."""
    shown = _shown(shown)
    if len(shown) <= 60:
        return shown
    return f"{_HALF_ESCAPE.sub('', shown[:57])}..."


def _number(bound: Any) -> str:
    """A bound as people write it: 1,000,000,000, not 1000000000; 0, not 0.0."""
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def schema_loc(parts: Sequence[int | str]) -> str:
    """``teams[2].source``: where a value is in the file (a long key cut, as a value is)."""
    out = ""
    for part in parts:
        key = _cut(str(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{key}" if out else key)
    return out or "(top level)"


def as_yaml(value: Any) -> str:
    """``value`` written as YAML on one line, cut to 60 characters; text quoted, so that
    ``'Ops'`` reads as the word it is."""
    if isinstance(value, str):
        given = "'" + value.replace("'", "''") + "'"
    else:
        try:  # YAML's own escapes (``\\e``, ``\\xE9`` for é) were a second rule
            given = yaml.safe_dump(
                _escaped(value), default_flow_style=True, width=10**9, allow_unicode=True
            ).strip()
        except yaml.YAMLError:  # no type YAML writes: never from a file, which is YAML
            given = repr(value)
        given = given.removesuffix("\n...").removesuffix("...").strip()
    return _cut(given)


def _escaped(value: Any) -> Any:
    """``value`` with each text in it (keys too) shown as ``_shown`` shows it, in whatever
    YAML reads (``!!set`` is a set, ``!!omap`` a list of pairs)."""
    if isinstance(value, str):
        return _shown(value)
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_escaped(v) for v in value)
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    return value


def yaml_problem(exc: yaml.YAMLError) -> str:
    """``line 3 not valid YAML: <problem>``, one line: ``str(exc)`` quotes the offending
    lines of the file under it."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1} " if mark is not None else ""
    said = f"{where}not valid YAML: {getattr(exc, 'problem', None) or exc}"
    # and where what it read began: a quote open on line 3 was "line 5 ... end of stream"
    context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if isinstance(context, str) and start is not None and mark and start.line != mark.line:
        said += f" ({context} from line {start.line + 1})"
    return said


def unknown_key(root: type[BaseModel], loc: Sequence[int | str], doc: str) -> str:
    """The problem of a key ``root`` has no place for at ``loc``, with the known key it is
    nearest to (``scoring.gren``: did you mean 'green'?), as a mapping's misspelt field
    names get: "check the spelling" alone left the user to find it in the docs."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None:
            break
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        kinds = [] if field is None else [field.annotation, *get_args(field.annotation)]
        model = next((k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel)), None)
    known = list(model.model_fields) if model is not None and loc else []
    near = difflib.get_close_matches(str(loc[-1]), known, n=1) if known else []
    if near:
        return f"unknown key (did you mean {near[0]!r}? see {doc})"
    return f"unknown key (check the spelling; see {doc})"
