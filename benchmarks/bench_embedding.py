"""Embedding benchmark: throughput against the machine's matmul ceiling, cache cost, ONNX backend.

    python benchmarks/bench_embedding.py [--n 300] [--threads 2] [--repeats 3]
                                         [--sections torch,threads,cache,onnx]

Fragments are real functions and methods cut out of a few Python stdlib
packages (with ``embedmotion.parsing.parse_tree``, or an ``ast`` split when it
is unavailable).  Printed side by side:

1. the model's FLOPs per token and the machine's dense fp32 GEMM rate at the
   model's own shapes (torch, ``--threads`` threads): the *ceiling*;
2. fragments/s, tokens/s, achieved GFLOP/s and achieved/ceiling for the default
   path (``SentenceTransformerEmbedder``) and for the knobs we tried: batch
   size, length-sorted batching, a token budget per batch, ``torch.inference_mode``,
   sdpa vs eager attention, and plain ``SentenceTransformer.encode`` for reference;
3. threads (1 and ``--threads``) x ``OMP_WAIT_POLICY`` (PASSIVE, the library's
   default, and ACTIVE), each in a fresh process;
4. a cache-hit re-encode against the first build (``CachedEmbedder``);
5. when ``onnxruntime`` and ``onnx`` are installed: the model exported to ONNX,
   fused by onnxruntime's transformer optimizer (fp32) and dynamically quantised
   (int8), each with its throughput and its agreement with torch fp32 —
   Spearman correlation of pair similarities and recall@10 of nearest
   neighbours, on fragments and on edit vectors (after − before) of the
   curated edits in ``data/curated``.

The machine may be shared: every rate is the best of ``--repeats`` runs, and the
ceiling is measured again right before each variant so that both see the same
load.  The load average is printed with the results.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import logging
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from embedmotion.embedding import CachedEmbedder, SentenceTransformerEmbedder, _quiet_transformers

STDLIB_PACKAGES = ("json", "email", "http", "logging", "asyncio", "xml", "urllib", "importlib")
REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------- inputs


def stdlib_functions(n: int) -> list[str]:
    """Up to ``n`` function/method texts from a few stdlib packages, in a fixed order."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    texts: list[str] = []
    try:
        from embedmotion.parsing import parse_tree

        for pkg in STDLIB_PACKAGES:
            report = parse_tree(lib / pkg, languages=["python"], show_progress_bar=False)
            texts += [f.text for f in report.fragments if f.kind in ("function", "method", "test")]
    except ImportError:
        for pkg in STDLIB_PACKAGES:
            for path in sorted((lib / pkg).rglob("*.py")):
                src = path.read_text(encoding="utf-8", errors="replace")
                for node in ast.walk(ast.parse(src)):
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        texts.append(ast.get_source_segment(src, node) or "")
    texts = [t for t in texts if t.strip()]
    rng = np.random.default_rng(0)
    pick = rng.choice(len(texts), size=min(n, len(texts)), replace=False)
    return [texts[i] for i in sorted(pick)]


def curated_pairs(limit: int) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for path in sorted((REPO / "data" / "curated").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((row["before"], row["after"]))
    return pairs[:limit]


# ---------------------------------------------------------------------------- FLOPs and ceiling


def model_shape(emb: SentenceTransformerEmbedder) -> tuple[int, int, int]:
    cfg = emb._st[0].model.config
    return int(cfg.num_hidden_layers), int(cfg.hidden_size), int(cfg.intermediate_size)


def window_flops(lengths: np.ndarray, shape: tuple[int, int, int]) -> float:
    """Forward FLOPs of the encoder on windows of these lengths (linear layers + attention)."""
    layers, d, ff = shape
    lengths = lengths.astype(np.float64)
    linear = 2.0 * lengths * (4 * d * d + 2 * d * ff)
    attention = 4.0 * lengths**2 * d  # QK^T and AV
    return float(layers * (linear + attention).sum())


def gemm_ceiling(shape: tuple[int, int, int], rows: int, repeats: int) -> float:
    """GFLOP/s of one encoder layer's four GEMM shapes (fp32 torch.mm), best of ``repeats``."""
    import torch

    _, d, ff = shape
    x = torch.randn(rows, d)
    h = torch.randn(rows, ff)
    w_qkvo, w_in, w_out = torch.randn(d, d), torch.randn(d, ff), torch.randn(ff, d)

    def layer() -> None:
        for _ in range(4):
            torch.mm(x, w_qkvo)
        torch.mm(x, w_in)
        torch.mm(h, w_out)

    layer()
    flops = 2.0 * rows * (4 * d * d + 2 * d * ff)
    return flops / best_time(layer, repeats) / 1e9


def best_time(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


# ---------------------------------------------------------------------------- torch variants


def batches(
    lengths: list[int], order: np.ndarray, batch_size: int, token_budget: int
) -> Iterator[np.ndarray]:
    """Consecutive runs of ``order``: ``batch_size`` windows, or up to ``token_budget`` padded tokens."""
    start = 0
    while start < len(order):
        if token_budget:
            end, width = start, 0
            while end < len(order):
                width = max(width, lengths[order[end]])
                if (end - start + 1) * width > token_budget and end > start:
                    break
                end += 1
        else:
            end = start + batch_size
        yield order[start:end]
        start = end


def torch_forward(
    emb: SentenceTransformerEmbedder,
    windows: list[list[int]],
    *,
    batch_size: int,
    sort: bool,
    mode: str,
    token_budget: int = 0,
) -> np.ndarray:
    """The embedder's forward loop, with the knobs exposed (sorting, grad mode, token budget)."""
    import torch

    lengths = [len(w) for w in windows]
    order = np.argsort([-n for n in lengths], kind="stable") if sort else np.arange(len(windows))
    out = np.empty((len(windows), emb.dimension), dtype=np.float32)
    ctx = {
        "inference": torch.inference_mode,
        "no_grad": torch.no_grad,
        "grad": contextlib.nullcontext,
    }
    with ctx[mode]():
        for idx in batches(lengths, order, batch_size, token_budget):
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx.tolist()):
                ids[row, : lengths[i]] = windows[i]
                mask[row, : lengths[i]] = 1
            t_ids = torch.from_numpy(ids)
            feats = {"input_ids": t_ids, "attention_mask": torch.from_numpy(mask)}
            feats["token_type_ids"] = torch.zeros_like(t_ids)
            out[idx] = emb._st(feats)["sentence_embedding"].detach().numpy()
    return out


@contextlib.contextmanager
def attention(emb: SentenceTransformerEmbedder, impl: str) -> Iterator[None]:
    model = emb._st[0].model
    before = model.config._attn_implementation
    model.set_attn_implementation(impl)
    try:
        yield
    finally:
        model.set_attn_implementation(before)


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# ---------------------------------------------------------------------------- ONNX Runtime


def export_onnx(emb: SentenceTransformerEmbedder, folder: Path) -> tuple[Path, Path]:
    """fp32 ONNX of encoder + mean pooling, fused by onnxruntime's optimizer, and its int8 twin."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from transformers import AutoModel

    layers, d, _ = model_shape(emb)
    with _quiet_transformers():
        bert = AutoModel.from_pretrained(
            str(emb.path), attn_implementation="eager", local_files_only=True
        )

    class MeanPooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            h = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = (
        torch.randint(1000, 2000, (2, 16)),
        torch.ones(2, 16, dtype=torch.long),
        torch.zeros(2, 16, dtype=torch.long),
    )
    raw = folder / "model.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            MeanPooled(bert).eval(),
            example,
            str(raw),
            dynamo=False,
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={
                **{k: {0: "batch", 1: "length"} for k in names},
                "embedding": {0: "batch"},
            },
            opset_version=17,
        )
    heads = int(bert.config.num_attention_heads)
    fused = folder / "model.fused.onnx"
    optimizer.optimize_model(
        str(raw), model_type="bert", num_heads=heads, hidden_size=d, opt_level=0
    ).save_model_to_file(str(fused))
    int8 = folder / "model.int8.onnx"
    quantize_dynamic(
        str(fused),
        str(int8),
        weight_type=QuantType.QInt8,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return fused, int8


def ort_forward(session: object, windows: list[list[int]], *, batch_size: int) -> np.ndarray:
    order = np.argsort([-len(w) for w in windows], kind="stable")
    out = None
    for start in range(0, len(windows), batch_size):
        idx = order[start : start + batch_size]
        width = len(windows[idx[0]])
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx.tolist()):
            ids[row, : len(windows[i])] = windows[i]
            mask[row, : len(windows[i])] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        vec = session.run(None, feed)[0]  # type: ignore[attr-defined]
        if out is None:
            out = np.empty((len(windows), vec.shape[1]), dtype=np.float32)
        out[idx] = vec / np.linalg.norm(vec, axis=1, keepdims=True)  # MiniLM normalises each window
    assert out is not None
    return out


def aggregate(vecs: np.ndarray, owner: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """Token-weighted mean of window vectors per text, normalised (as the embedder does)."""
    out = np.zeros((n, vecs.shape[1]))
    np.add.at(out, owner, vecs * counts[:, None])
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def agreement(reference: np.ndarray, other: np.ndarray, k: int = 10) -> tuple[float, float]:
    """(Spearman of pair cosines, mean recall@k of neighbour lists) between two embeddings."""
    from scipy.stats import spearmanr

    def unit(x: np.ndarray) -> np.ndarray:
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)

    sa, sb = unit(reference) @ unit(reference).T, unit(other) @ unit(other).T
    iu = np.triu_indices(len(sa), 1)
    rho = float(spearmanr(sa[iu], sb[iu]).statistic)
    np.fill_diagonal(sa, -np.inf)
    np.fill_diagonal(sb, -np.inf)
    ta, tb = np.argsort(-sa, axis=1)[:, :k], np.argsort(-sb, axis=1)[:, :k]
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ta, tb, strict=True)]))
    return rho, recall


# ---------------------------------------------------------------------------- sections


@dataclass
class Bench:
    """What every section measures on: the model, the texts and their token windows."""

    args: argparse.Namespace
    emb: SentenceTransformerEmbedder
    texts: list[str]
    windows: list[list[int]]
    owner: np.ndarray
    counts: np.ndarray

    def __post_init__(self) -> None:
        self.shape = model_shape(self.emb)
        self.lengths = np.array([len(w) for w in self.windows])
        self.flops = window_flops(self.lengths, self.shape)
        self.n_tok = int(self.lengths.sum())

    def measure(
        self, fn: Callable[[], object], *, threads: int | None = None
    ) -> tuple[float, float]:
        """(best runs/s, best ceiling GFLOP/s), interleaved so that both see the same load."""
        with torch_threads(threads or self.args.threads):
            fn()  # warm up (allocator, oneDNN primitives)
            rates, ceilings = [], []
            for _ in range(self.args.repeats):
                ceilings.append(gemm_ceiling(self.shape, 8192, 2))
                rates.append(1.0 / best_time(fn, 1))
        return max(rates), max(ceilings)


def section_setup(b: Bench, load_s: float) -> None:
    layers, d, ff = b.shape
    linear = 2 * layers * (4 * d * d + 2 * d * ff)
    print(
        f"model {b.emb.fingerprint}  (load {load_s:.1f} s incl. imports; "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, {b.args.threads} threads)"
    )
    print(
        f"{len(b.texts)} stdlib fragments -> {len(b.windows)} windows, {b.n_tok} tokens "
        f"(mean {b.lengths.mean():.0f}/window, {np.mean(np.bincount(b.owner) > 1):.0%} of "
        "fragments chunked)"
    )
    print(
        f"FLOPs/token: linear {linear / 1e6:.1f} M + attention "
        f"{(b.flops / b.n_tok - linear) / 1e6:.1f} M at these lengths = "
        f"{b.flops / b.n_tok / 1e6:.1f} MFLOP/token"
    )
    for rows in (2048, 8192):
        print(
            f"GEMM ceiling ({b.args.threads} threads, torch fp32 mm, {rows} rows x the layer's "
            f"4 shapes): {gemm_ceiling(b.shape, rows, 5):.1f} GFLOP/s"
        )


def section_torch(b: Bench) -> None:
    emb, texts, windows = b.emb, b.texts, b.windows
    header = f"{'variant':46s} {'frag/s':>7s} {'tok/s':>7s} {'GFLOP/s':>8s} {'ceiling':>8s} {'ratio':>6s}"
    print("\n" + header + "\n" + "-" * len(header))

    def report(
        name: str,
        fn: Callable[[], object],
        *,
        threads: int | None = None,
        tokens: int | None = None,
        work: float | None = None,
    ) -> None:
        rate, ceiling = b.measure(fn, threads=threads)
        tokens, work = tokens or b.n_tok, work or b.flops
        print(
            f"{name:46s} {len(texts) * rate:7.1f} {tokens * rate:7.0f} {work * rate / 1e9:8.1f} "
            f"{ceiling:8.1f} {work * rate / 1e9 / ceiling:6.0%}"
        )

    report("default: encode(), bs 32, sorted, inference", lambda: emb.encode(texts, batch_size=32))
    for bs in (8, 16, 64, 128):
        report(f"  batch size {bs}", partial(emb.encode, texts, batch_size=bs))
    fwd = partial(torch_forward, emb, windows, batch_size=32)
    report("  unsorted batches", partial(fwd, sort=False, mode="inference"))
    report("  torch.no_grad instead of inference_mode", partial(fwd, sort=True, mode="no_grad"))
    report("  no grad mode at all (autograd on)", partial(fwd, sort=True, mode="grad"))
    budget = 32 * emb.max_seq_length
    report(
        f"  token budget {budget} per batch",
        partial(fwd, sort=True, mode="inference", token_budget=budget),
    )
    with attention(emb, "eager"):
        report("  eager attention instead of sdpa", partial(emb.encode, texts, batch_size=32))
    if b.args.threads != 1:
        report("  1 thread", partial(emb.encode, texts, batch_size=32), threads=1)
    ids = emb._tokenizer(texts, verbose=False)["input_ids"]
    trunc = np.minimum([len(x) for x in ids], emb.max_seq_length)
    report(
        "  plain SentenceTransformer.encode (truncates)",
        partial(emb._st.encode, texts, batch_size=32),
        tokens=int(trunc.sum()),
        work=window_flops(trunc, b.shape),
    )


def section_cache(b: Bench) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cached = CachedEmbedder(b.emb, cache_dir=tmp)
        t = time.perf_counter()
        first = cached.encode(b.texts)
        build = time.perf_counter() - t
        hit = best_time(partial(cached.encode, b.texts), b.args.repeats)
        assert np.array_equal(first, cached.encode(b.texts))
        print(
            f"\ncache: first build {build:.2f} s, re-encode (all hits) {hit * 1e3:.1f} ms "
            f"= {hit / build:.3%} of the build (goal <= 5%); {cached.stats}"
        )


def section_onnx(b: Bench) -> None:
    try:
        import onnx  # noqa: F401
        import onnxruntime as ort
    except ImportError:
        print("\nONNX Runtime backend: skipped (pip install onnxruntime onnx to measure it)")
        return
    logging.getLogger().setLevel(logging.ERROR)  # quantiser advice on the root logger
    emb, texts = b.emb, b.texts
    torch_vecs = emb.encode(texts)
    pairs = curated_pairs(b.args.edits)
    edit_texts = [t for pair in pairs for t in pair]
    ew, eo, ec = emb._windows(edit_texts)
    torch_edit = emb.encode(edit_texts)
    torch_delta = torch_edit[1::2] - torch_edit[0::2]
    print(
        f"\nONNX Runtime {ort.__version__} ({b.args.threads} threads) vs torch fp32; agreement on "
        f"{len(texts)} fragments and {len(pairs)} curated edits (after - before)"
    )
    print(
        f"{'backend':26s} {'frag/s':>7s} {'tok/s':>7s} {'ratio':>6s} {'speedup':>7s} "
        f"{'frag rho':>8s} {'frag R@10':>9s} {'edit rho':>8s} {'edit R@10':>9s}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        fused, int8 = export_onnx(emb, Path(tmp))
        export_s = time.perf_counter() - t
        runs: list[tuple[str, Callable[[list[list[int]]], np.ndarray]]] = [
            (
                "torch fp32 (default)",
                partial(torch_forward, emb, batch_size=32, sort=True, mode="inference"),
            )
        ]
        for name, path in (("onnxruntime fp32 fused", fused), ("onnxruntime int8 dynamic", int8)):
            so = ort.SessionOptions()
            so.intra_op_num_threads, so.inter_op_num_threads = b.args.threads, 1
            session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
            runs.append((name, partial(ort_forward, session, batch_size=32)))
        base = None
        for name, run in runs:
            rate, ceiling = b.measure(partial(run, b.windows))
            base = base or rate
            vecs = aggregate(run(b.windows), b.owner, b.counts, len(texts))
            ev = aggregate(run(ew), eo, ec, len(edit_texts))
            frag = agreement(torch_vecs, vecs)
            edit = agreement(torch_delta, ev[1::2] - ev[0::2])
            print(
                f"{name:26s} {len(texts) * rate:7.1f} {b.n_tok * rate:7.0f} "
                f"{b.flops * rate / 1e9 / ceiling:6.0%} {rate / base:6.2f}x {frag[0]:8.4f} "
                f"{frag[1]:9.3f} {edit[0]:8.4f} {edit[1]:9.3f}"
            )
    print(
        f"(export + fuse + quantise: {export_s:.0f} s; ratio = achieved FLOP rate / torch GEMM ceiling)"
    )


def section_threads(b: Bench) -> None:
    """Threads x OpenMP wait policy, each in a fresh process (the policy is read at start-up)."""
    print(f"\n{'threads':>7s} {'OMP_WAIT_POLICY':>15s} {'frag/s':>7s} {'tok/s':>7s} {'ratio':>6s}")
    for threads in sorted({1, b.args.threads}):
        for policy in ("PASSIVE", "ACTIVE"):
            env = {**os.environ, "OMP_WAIT_POLICY": policy}
            cmd = [sys.executable, __file__, "--child", "--n", str(b.args.n)]
            cmd += ["--threads", str(threads), "--repeats", str(b.args.repeats)]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            rate, ceiling = map(float, out.stdout.split()[-2:])
            default = " (default)" if policy == "PASSIVE" and threads == b.args.threads else ""
            print(
                f"{threads:7d} {policy:>15s} {len(b.texts) * rate:7.1f} {b.n_tok * rate:7.0f} "
                f"{b.flops * rate / 1e9 / ceiling:6.0%}{default}"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="fragments to embed")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--edits", type=int, default=300, help="curated edits for the agreement check")
    ap.add_argument("--sections", default="torch,threads,cache,onnx", help="comma-separated subset")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    load0 = os.getloadavg()[0]
    texts = stdlib_functions(args.n)
    t = time.perf_counter()
    emb = SentenceTransformerEmbedder()  # before torch is imported: it sets the OpenMP policy
    load_s = time.perf_counter() - t
    import torch

    torch.set_num_threads(args.threads)
    b = Bench(args, emb, texts, *emb._windows(texts))
    if args.child:  # one measurement for section_threads: "runs/s ceiling"
        print(*b.measure(partial(emb.encode, texts)))
        return
    section_setup(b, load_s)
    sections = set(args.sections.split(","))
    if "torch" in sections:
        section_torch(b)
    if "threads" in sections:
        section_threads(b)
    if "cache" in sections:
        section_cache(b)
    if "onnx" in sections:
        section_onnx(b)
    print(f"\nload average {load0:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
