"""Index benchmark: build time, query latency (p50/p99) and recall@10 against exact search.

    python benchmarks/bench_index.py [--sizes 100000,1000000] [--dim 384] [--queries 200]

Vectors are synthetic but shaped like sentence embeddings (a mixture of 2,000
Gaussian clusters on the unit sphere, seeded); queries are held-out points of
the same mixture.  For each size every index kind is built and compared side
by side with the exact (flat) answer.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from embedmotion.index import VectorIndex


def clustered(n: int, dim: int, rng: np.random.Generator, centers: np.ndarray) -> np.ndarray:
    c = centers[rng.integers(0, len(centers), n)]
    v = c + 0.35 * rng.standard_normal((n, dim)).astype(np.float32) / np.sqrt(dim) * 4
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--kinds", default="flat,hnsw,ivf")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((2000, args.dim)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    print(f"{'n':>9s} {'kind':5s} {'build s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'recall@10':>9s}")
    for n in (int(s) for s in args.sizes.split(",")):
        data = np.empty((n, args.dim), dtype=np.float32)
        for i in range(0, n, 100_000):
            data[i:i + 100_000] = clustered(min(100_000, n - i), args.dim, rng, centers)
        q = clustered(args.queries, args.dim, rng, centers)
        keys = np.arange(n, dtype=np.int64)
        truth = None
        for kind in args.kinds.split(","):
            ix = VectorIndex(args.dim, kind=kind)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            ix.add(keys, data)
            build = time.perf_counter() - t0
            lat = []
            found = []
            for row in q:
                t0 = time.perf_counter()
                _, k = ix.search(row[None, :], 10)
                lat.append((time.perf_counter() - t0) * 1000)
                found.append(k[0])
            if kind == "flat":
                truth = found
            recall = float("nan") if truth is None else float(np.mean(
                [len(set(a.tolist()) & set(b.tolist())) / 10 for a, b in zip(found, truth)]))
            print(f"{n:9d} {kind:5s} {build:8.1f} {np.percentile(lat, 50):7.2f} "
                  f"{np.percentile(lat, 99):7.2f} {recall:9.3f}", flush=True)
            del ix


if __name__ == "__main__":
    main()
