"""Frozen, slotted dataclasses made as fast as mutable ones where a batch makes many.

A frozen dataclass's ``__init__`` cannot store its fields as a plain class
does (its own ``__setattr__`` refuses); it sets each through
``object.__setattr__``, a call a field. For the fourteen fields of a
:class:`~landcheck.rules.core.Finding` that is 1.4 µs against 0.23 µs, and a
10,000-site batch makes 200,000 findings.

:func:`maker` gives such a class a second constructor that stores the fields
as a mutable class does: the instance is made as a *draft*, a mutable
dataclass with the very same fields in the very same slots, and then handed
the frozen class. CPython lets an object change to a class of the same layout
(the same slots, in the same order, over the same base); from then on the
object is the frozen class's in every way: equal to, hashed, printed, pickled
and refusing assignment as one its own constructor made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["maker"]

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """A constructor of ``cls``, a frozen, slotted dataclass, at a mutable class's speed.

    Parameters
    ----------
    cls : type
        A dataclass made with ``frozen=True, slots=True`` directly on ``object``.

    Returns
    -------
    callable
        Takes what ``cls`` takes (by position or keyword, with its defaults) and
        returns an instance of ``cls``. The fields' own checks, if any
        (``__post_init__``), are not run: the class must have none.

    Raises
    ------
    TypeError
        ``cls`` is not such a class.

    Examples
    --------
    >>> from dataclasses import FrozenInstanceError, dataclass
    >>> @dataclass(frozen=True, slots=True)
    ... class Point:
    ...     x: float
    ...     y: float = 0.0
    >>> make_point = maker(Point)
    >>> p = make_point(1.0)
    >>> p, type(p) is Point, p == Point(1.0, 0.0), hash(p) == hash(Point(1.0))
    (Point(x=1.0, y=0.0), True, True, True)
    >>> try:
    ...     p.x = 2.0
    ... except FrozenInstanceError:
    ...     print("refused")
    refused
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if cls.__bases__ != (object,) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a base class or a __post_init__; make it directly")
    if not all(f.init and not f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__} has a field its constructor does not take by position")
    draft = dataclasses.make_dataclass(
        f"{cls.__name__}Draft",
        [(f.name, f.type, _same_default(f)) for f in fields],
        slots=True,
        eq=False,
        repr=False,
    )
    try:  # the layouts compared now, not at the first object a batch makes
        object.__new__(draft).__class__ = cls
    except TypeError as error:
        raise TypeError(f"{cls.__name__}'s slots are not its fields in order: {error}") from None

    def make(*args: Any, **kwargs: Any) -> T:
        made = draft(*args, **kwargs)
        made.__class__ = cls  # the same slots: the object is now cls's
        return made  # type: ignore[return-value]

    make.__name__ = make.__qualname__ = f"make_{cls.__name__.lower()}"
    make.__doc__ = f"A new {cls.__name__}, made as fast as a mutable object (:func:`maker`)."
    return make


def _same_default(source: dataclasses.Field[Any]) -> dataclasses.Field[Any]:
    """A new field with ``source``'s default (a field belongs to one class)."""
    if source.default is not dataclasses.MISSING:
        return dataclasses.field(default=source.default)
    if source.default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=source.default_factory)
    return dataclasses.field()
