"""Store locator: great-circle distances and the nearest stores to a customer."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Store:
    name: str
    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_stores(
    lat: float, lon: float, stores: list[Store], *, limit: int = 3, max_km: float | None = None
) -> list[tuple[Store, float]]:
    """Up to ``limit`` stores, nearest first, with their distance in km (rounded to 0.1)."""
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValueError(f"not a coordinate: {lat}, {lon}")
    ranked = []
    for store in stores:
        km = haversine_km(lon, lat, store.lat, store.lon)
        if max_km is None or km <= max_km:
            ranked.append((store, round(km, 1)))
    ranked.sort(key=lambda pair: pair[1])
    return ranked[:limit]
