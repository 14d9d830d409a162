"""docs/raw_contract.md (for people) and leadscore.contract (for code) describe the same tables."""

from __future__ import annotations

import re

from conftest import REPO

from leadscore.contract import TABLES


def documented_tables() -> dict[str, list[tuple[str, str, bool]]]:
    text = (REPO / "docs/raw_contract.md").read_text()
    tables: dict[str, list[tuple[str, str, bool]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^### `(\w+)`", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        row = re.match(r"^\| (\w+) \| (\w+) \| (yes|no) \|", line)
        if current and row:
            tables[current].append((row.group(1), row.group(2), row.group(3) == "yes"))
    return tables


def test_the_documented_contract_is_the_coded_contract() -> None:
    documented = documented_tables()
    coded = {name: [(c.name, c.type, c.required) for c in t.columns] for name, t in TABLES.items()}
    assert documented == coded
    assert len(coded) == 7 and sum(len(cols) for cols in coded.values()) == 51
