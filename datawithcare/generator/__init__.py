"""The parts of the data generator: profile checks, table builders, schemas.

Use :mod:`datawithcare.generate` (``generate_tables``, ``write_tables`` and
the command line) rather than these modules directly.
"""

from datawithcare.generator.profile import DEFAULT_PROFILE, ProfileError, load_profile
from datawithcare.generator.schema import TABLE_NAMES, table_schemas

__all__ = ["DEFAULT_PROFILE", "TABLE_NAMES", "ProfileError", "load_profile", "table_schemas"]
