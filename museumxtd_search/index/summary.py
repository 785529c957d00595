"""What a build did: the one-line summary and its ``--json`` twin."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class BuildSummary:
    """What a build did, for the one-line summary and ``--json``."""

    notes: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    full: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        kind = "full rebuild" if self.full else "incremental"
        return (f"indexed {self.notes} notes ({kind}): {self.added} added, {self.updated} "
                f"updated, {self.removed} removed, {len(self.warnings)} warnings, "
                f"{self.seconds:.2f} s")
