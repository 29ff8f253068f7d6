"""One edition of the spreadsheet companion: a profile, the folder of its data, and its pages as it shows them.

Shared by ``test_spreadsheets.py`` (the answers the pages state) and
``test_spreadsheet_formulas.py`` (the formulas, worked out by Calc).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from harness import ROOT

from datawithcare import editions

COMPANION = ROOT / "book" / "spreadsheet-companion"


@dataclass
class CompanionEdition:
    profile: dict[str, Any]
    data: Path

    @property
    def key(self) -> str:
        return self.profile["sector"]["key"]

    @property
    def sheets(self) -> Path:
        return self.data / "spreadsheets"

    @property
    def focus(self) -> str:
        """The area the pages pick out: the profile's first focus area."""
        return self.profile["sector"]["examples"]["focus_areas"][0]

    @property
    def other_areas(self) -> str:
        """The pages' label for the areas outside the six biggest (the city comes from the profile)."""
        return f"Other {self.profile['organisation']['city']} boroughs"

    def csv(self, name: str) -> pd.DataFrame:
        """A table of this edition's data, every cell as the text in the file."""
        return pd.read_csv(self.data / f"{name}.csv", dtype=str, keep_default_na=False, na_filter=False)

    def page(self, name: str) -> str:
        """The page as this edition shows it (its own {only} passages, without the fences)."""
        text = (COMPANION / f"{name}.md").read_text(encoding="utf-8")
        return editions.resolve(text, self.key, f"{name}.md")
