"""TOML tables checked against a spec of keys and types, every problem kept with its place."""

from __future__ import annotations

from typing import Any

TYPE_WORDS = {str: "text", int: "an integer", list: "a list", dict: "a table"}


class Problems(list[str]):
    """The problems found so far in a bank; `table` adds those of one table."""

    def table(
        self, where: str, table: object, spec: dict[str, tuple[type | tuple[type, ...], bool]]
    ) -> dict[str, Any]:
        """The keys of `table` that match spec (key -> (types, required)); the rest are problems."""
        if not isinstance(table, dict):
            self.append(f"{where}: expected a table, found {table!r}")
            return {}
        for key in table.keys() - spec.keys():
            self.append(f"{where}: unknown key '{key}' (expected one of: {', '.join(spec)})")
        found = {}
        for key, (types, required) in spec.items():
            if key not in table:
                if required:
                    self.append(f"{where}: '{key}' is missing")
                continue
            value = table[key]
            allowed = types if isinstance(types, tuple) else (types,)
            if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
                words = " or ".join(TYPE_WORDS.get(t, t.__name__) for t in allowed)
                self.append(f"{where}: '{key}' must be {words}, not {value!r}")
                continue
            found[key] = value
        return found
