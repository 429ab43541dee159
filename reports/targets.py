"""The target each rate is measured against in a region (reports.models.FigureTarget), and
which figures fall below it. Figures themselves stay defined in reports/definitions.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from roster.models import Region

from .models import FigureTarget


@dataclass(frozen=True)
class Target:
    figure: str
    percent: Decimal
    region: Region | None  # where it was set; None: the national target

    @property
    def fraction(self) -> float:
        return float(self.percent) / 100


def targets_for(region: Region | None) -> dict[str, Target]:
    """Per rate code, the target of the region or of its nearest ancestor that has one."""
    chain: list[Region] = []
    node = region
    while node is not None:
        chain.append(node)
        node = node.parent
    rows = FigureTarget.objects.filter(region__in=chain) | FigureTarget.objects.filter(
        region__isnull=True
    )
    depth = {r.pk: i for i, r in enumerate(chain)}
    found: dict[str, tuple[int, Target]] = {}
    for row in rows.select_related("region"):
        rank = depth.get(row.region_id, len(chain)) if row.region_id else len(chain)
        if row.figure not in found or rank < found[row.figure][0]:
            found[row.figure] = (rank, Target(row.figure, row.target_percent, row.region))
    return {code: target for code, (_rank, target) in found.items()}


def below_target(values: dict, targets: dict[str, Target]) -> set[str]:
    """The rate codes whose value is under its target (a rate of nobody, "—", is not)."""
    below = set()
    for code, target in targets.items():
        value = values.get(code)
        if value is not None and value < target.fraction:
            below.add(code)
    return below
