"""The error hierarchy drawn in `cerulean.access.errors`."""

from __future__ import annotations

import inspect

from cerulean.access import errors
from cerulean.access.conditions import errors as condition_errors
from cerulean.core.errors import CeruleanError


def test_every_error_is_a_cerulean_error_and_an_access_error():
    classes = [
        obj
        for module in (errors, condition_errors)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Exception) and obj.__module__ == module.__name__
    ]
    assert len(classes) >= 14
    for cls in classes:
        assert issubclass(cls, CeruleanError)
        assert issubclass(cls, errors.AccessError)


def test_the_docstring_draws_every_class():
    drawn = (errors.__doc__ or "") + (condition_errors.__doc__ or "")
    for name in [*errors.__all__, *condition_errors.__all__]:
        assert name in drawn, name
