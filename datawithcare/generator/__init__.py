"""The parts of the data generator: profile checks, table builders, schemas.

Use :mod:`datawithcare.generate` (``generate_tables``, ``write_tables`` and
the command line) rather than these modules directly.

The names below load with their module the first time they are used
(PEP 562): importing :mod:`datawithcare.generator.schema` alone, as the
dataset loader does, does not load the profile checks and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datawithcare.generator.profile import DEFAULT_PROFILE, ProfileError, load_profile
    from datawithcare.generator.schema import TABLE_NAMES, table_schemas

_HOMES = {
    "DEFAULT_PROFILE": "profile",
    "ProfileError": "profile",
    "load_profile": "profile",
    "TABLE_NAMES": "schema",
    "table_schemas": "schema",
}

__all__ = ["DEFAULT_PROFILE", "TABLE_NAMES", "ProfileError", "load_profile", "table_schemas"]


def __getattr__(name: str) -> Any:  # noqa: ANN401 (any of the names above)
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'datawithcare.generator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"datawithcare.generator.{home}"), name)
    globals()[name] = value
    return value
