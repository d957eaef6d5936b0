"""Prepare the embedded database for ``make run``: catalogue schema, shipped procedures, sample dossiers.

``python -m knowledge.seed`` is idempotent: the shipped catalogue is re-imported only when its files
changed, and the fictitious sample dossiers are upserted with dates relative to today.
"""

from __future__ import annotations

from knowledge import dossiers
from knowledge.importer import import_shipped


def main() -> int:
    report = import_shipped()
    print(f"procedure catalogue: {report.stored} shipped procedures imported")
    return dossiers.main(["seed-samples"])


if __name__ == "__main__":
    raise SystemExit(main())
