"""Fast pickling for the frozen, slotted dataclasses a night moves around by the thousand.

Python 3.11 pickles a ``slots=True`` dataclass through Python-level ``__getstate__`` and
``__setstate__`` that call ``dataclasses.fields`` for every object. The read cache, the
worker processes and the rollup's input digest pickle some 100,000 such objects a night
at 500 teams; with this, an object pickles as its class and a tuple of its fields taken
by one C-level ``attrgetter`` call, and unpickles through its own ``__init__``. The
``attrgetter`` runs only when pickling: the bytes hold the class and the values, so a
loader (``sheets_sync.unpickle``) need accept only the class, called with plain values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import pickle
from collections.abc import Callable
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")


def fast_pickle(cls: type[T]) -> type[T]:
    """Class decorator (above ``@dataclass``): every field must be an ``__init__`` argument."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: fast_pickle needs every field in __init__")
    names = [f.name for f in fields]
    get: Callable[[Any], Any] = operator.attrgetter(*names)
    if len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
        one = get

        def get(obj: Any) -> tuple[Any, ...]:
            return (one(obj),)

    def reduce(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, get(self)

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


class RefusedPickle(pickle.UnpicklingError):
    """A pickle sheets-sync would never have written; ``why`` is for the user's message.
    (``sheets_sync.unpickle`` raises it; defined here for ``RefuseBuild``.)"""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class RefuseBuild:
    """``__setstate__`` for a class whose objects the whole run shares (an enum and its
    members). Pickle's BUILD looks ``__setstate__`` up on what it is about to change, the
    class itself or a member, and calls it: this refuses before anything is set, so a
    file's pickle cannot change them, and a loader need not fingerprint them to check.
    Nothing sheets-sync pickles has state for them (a member pickles as class and value).
    A data descriptor: a member's ``__dict__`` cannot hide it."""

    def __get__(self, obj: object, owner: type) -> Callable[[object], NoReturn]:
        def refuse(state: object) -> NoReturn:
            what = f"{owner.__module__}.{owner.__qualname__}"
            raise RefusedPickle(f"it changes {what}, which no sheets-sync pickle does")

        return refuse

    def __set__(self, obj: object, value: object) -> NoReturn:
        raise AttributeError("__setstate__ cannot be replaced")


class SharedStrEnum(StrEnum):
    """Base of every enum a pickle from a file may name: BUILD on it or on a member is
    refused (``RefuseBuild``)."""

    __setstate__ = RefuseBuild()


class _Sink:
    """A file for ``pickle.Pickler`` that hashes what it is given instead of keeping it."""

    def __init__(self, digest: hashlib._Hash) -> None:
        self.write = digest.update


def hash_by_value(digest: hashlib._Hash, obj: object) -> None:
    """Pickle ``obj`` into ``digest`` by value: no memo, so two equal trees give the same
    bytes whether or not they share objects (a fresh parse and a cached one share
    different strings). For trees only: a cycle would recurse forever."""
    pickler = pickle.Pickler(_Sink(digest), protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: the bytes depend on values only
    pickler.dump(obj)
