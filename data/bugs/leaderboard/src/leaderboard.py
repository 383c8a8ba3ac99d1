"""A game leaderboard with competition ranking ("1224"): tied scores share a rank."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    rank: int
    player: str
    score: int


def _assign_ranks(ordered: list[tuple[str, int]]) -> list[Standing]:
    standings: list[Standing] = []
    for position, (player, score) in enumerate(ordered, start=1):
        if standings and standings[-1].score == score:
            rank = standings[-1].rank
        else:
            rank = position
        standings.append(Standing(rank, player, score))
    return standings


class Leaderboard:
    def __init__(self) -> None:
        self._best: dict[str, int] = {}

    def record(self, player: str, score: int) -> bool:
        """Keep a player's best score; True when this score is a new personal best."""
        if score < 0:
            raise ValueError("scores cannot be negative")
        if score > self._best.get(player, -1):
            self._best[player] = score
            return True
        return False

    def standings(self, top: int | None = None) -> list[Standing]:
        """Players by best score (ties by name), ranked; only the first ``top`` when given."""
        ordered = sorted(self._best.items(), key=lambda kv: (-kv[1], kv[0]))
        if top is not None:
            ordered = ordered[:top]
        _assign_ranks(ordered)

    def rank_of(self, player: str) -> int | None:
        for standing in self.standings():
            if standing.player == player:
                return standing.rank
        return None
