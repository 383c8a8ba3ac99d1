"""Hotel bookings: find clashes between stays (the check-out day is not a night)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stay:
    guest: str
    room: str
    check_in: date
    check_out: date

    def nights(self) -> int:
        return (self.check_out - self.check_in).days


def overlaps(a: Stay, b: Stay) -> bool:
    """True when the stays share a night; leaving the day another guest arrives is fine."""
    return a.check_in < b.check_out or b.check_in < a.check_out


def clashes(stays: list[Stay]) -> list[tuple[str, str]]:
    """Pairs of guests booked into the same room for the same night, in check-in order."""
    by_room: dict[str, list[Stay]] = {}
    for stay in stays:
        if stay.nights() <= 0:
            raise ValueError(f"{stay.guest}: check-out must be after check-in")
        by_room.setdefault(stay.room, []).append(stay)
    found = []
    for room in sorted(by_room):
        room_stays = sorted(by_room[room], key=lambda s: s.check_in)
        for i, first in enumerate(room_stays):
            for second in room_stays[i + 1 :]:
                if overlaps(first, second):
                    found.append((first.guest, second.guest))
    return found


def occupancy(stays: list[Stay], night: date) -> set[str]:
    """Rooms occupied on the given night."""
    return {s.room for s in stays if s.check_in <= night < s.check_out}
