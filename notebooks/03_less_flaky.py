# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 — A less-flaky direction
#
# The curated corpus holds 100+ edits that made a test less flaky (seeding randomness,
# waiting instead of sleeping, freezing time, isolating shared state...) in several
# languages. Fit a direction on them, then ask:
#
# * Does it score *tests* sensibly — stable versions above flaky ones — on projects it
#   was not fitted on?
# * Which tests does it put at either end?
# * Which edit representation and which fitting method separate less-flaky edits from
#   the rest best, against the lexical baseline?

# %%
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import pandas as pd
from scipy.stats import binomtest

import embedmotion
from embedmotion.directions import curated_space
from embedmotion.geometry import Direction
from embedmotion.metrics import auc, bootstrap_ci, separation
from embedmotion.plot import DirectionAxes, plot_points, plot_scores

pd.set_option("display.width", 140)
space = curated_space()
d = Direction(method="contrast").fit(space, label="less-flaky")
d.provenance_

# %% [markdown]
# ## Scoring tests, held out by project
#
# Each less-flaky edit gives two tests: the flaky version (before) and the stable one
# (after). Split the projects in two; fit the direction on the edits of one half and score
# the tests of the other half by cosine with it (what `embedmotion project` prints), then
# swap. A good axis scores the stable versions higher.

# %%
frame = space.frame
is_lf = space.has_label("less-flaky")
projects = np.array(sorted(set(frame.loc[is_lf, "source"])))
rng = np.random.default_rng(0)
half = set(rng.permutation(projects)[: len(projects) // 2])
fold = np.array([s in half for s in frame["source"]])

before = np.asarray(space.arrays["edit_before"])
after = np.asarray(space.arrays["edit_after"])
rows = []
for test_fold in (True, False):
    train = fold != test_fold
    d_half = Direction(method="contrast").fit(space.subset(train), label="less-flaky")
    for i in np.flatnonzero(is_lf & (fold == test_fold)):
        for side, vec in (("flaky (before)", before[i]), ("stable (after)", after[i])):
            rows.append(
                {
                    "edit": frame["id"].iat[i],
                    "side": side,
                    "score": float(d_half.cosine(vec[None, :])[0]),
                    "language": frame["language"].iat[i],
                    "subkind": frame["subkind"].iat[i],
                    "name": frame["name"].iat[i],
                    "text": frame[("before" if side.startswith("flaky") else "after") + "_text"].iat[i],
                }
            )
tests = pd.DataFrame(rows)
y = (tests["side"] == "stable (after)").to_numpy()
s = tests["score"].to_numpy()
pairs = tests.pivot(index="edit", columns="side", values="score")
print(f"{len(tests)} tests from {len(pairs)} edits")
print(f"AUC stable vs flaky: {auc(s, y):.3f}  95% CI {tuple(round(x, 3) for x in bootstrap_ci(auc, s, y))}")
wins = int((pairs["stable (after)"] > pairs["flaky (before)"]).sum())
p_sign = binomtest(wins, len(pairs), 0.5, alternative="greater").pvalue
print(f"stable version scored higher than its own flaky version in {wins} of {len(pairs)} edits ({wins / len(pairs):.0%}), sign-test p = {p_sign:.4f}")
print(f"mean within-edit shift {np.mean(pairs['stable (after)'] - pairs['flaky (before)']):+.3f}; spread of scores across tests (std) {s.std():.3f}")

# %% [markdown]
# Baselines for the same held-out scoring: 200 random directions, and a direction made from
# two phrases only (`Direction.from_text("flaky test with sleeps", "deterministic test")`).

# %%
row_of = {e: i for i, e in enumerate(frame["id"])}
vecs = np.stack([(after if st else before)[row_of[e]] for e, st in zip(tests["edit"], y)])
R = rng.normal(size=(200, vecs.shape[1]))
random_aucs = np.array([auc(vecs @ r, y) for r in R])
text_dir = Direction.from_text("flaky test with sleeps", "deterministic test", embedder=space.embedder)
print(f"random directions: AUC mean {random_aucs.mean():.3f}, 95% of them within {np.quantile(random_aucs, [0.025, 0.975]).round(3)}")
print(f"text direction: AUC {auc(text_dir.cosine(vecs), y):.3f}")

# %%
plot_scores(
    s,
    tests["side"],
    headers=[f"{r.side}: {r.name} ({r.language}, {r.subkind})" for r in tests.itertuples()],
    texts=tests["text"].tolist(),
    direction="less-flaky (fitted on the other projects)",
    what="tests",
    by="version",
    model=space.model_id,
)

# %% [markdown]
# ## The tests at either end

# %%
def first_lines(text, n=4):
    return " | ".join(line.strip() for line in text.strip().splitlines()[1 : n + 1])


ranked = tests.sort_values("score", ascending=False)
for title, part in (("highest (most 'stable-looking')", ranked.head(6)), ("lowest (most 'flaky-looking')", ranked.tail(6))):
    print(f"--- {title}")
    for r in part.itertuples():
        print(f"{r.score:+.3f}  {r.side:15s} {r.language:10s} {r.subkind:20s} {r.name}")
        print(f"        {first_lines(r.text)[:150]}")

# %%
print("mean score by sub-kind and version:")
tests.pivot_table(index="subkind", columns="side", values="score", aggfunc="mean").round(3)

# %% [markdown]
# The same tests on a direction view: x is the projection on the less-flaky direction
# (fitted on all edits, so this picture is in-sample), y the main variation left.

# %%
plot_points(
    vecs,
    tests["side"],
    headers=[f"{r.name} ({r.language})" for r in tests.itertuples()],
    texts=tests["text"].tolist(),
    reducer=DirectionAxes(d, names=["less-flaky"]),
    title="Flaky and stable versions of the curated tests",
    by="version",
    unit="tests",
    model=space.model_id,
)

# %% [markdown]
# ## Which representation, which method?
#
# `separation` fits a direction on some projects and scores the edits of the others
# (grouped folds), then reports the AUC of less-flaky edits against all other edits, with
# a bootstrap interval. Representations: whole fragments, hunks, the diff text, and the
# lexical baseline (bag of added minus removed tokens, no neural model).

# %%
rows = []
for rep in ("fragment", "hunk", "diff", "lexical"):
    for method in ("mean", "contrast", "probe"):
        r = separation(space, "less-flaky", method=method, representation=rep, n_boot=100)
        rows.append({"representation": rep, "method": method, "AUC": r["auc"], "95% CI": tuple(round(x, 3) for x in r["auc_ci"]), "p": r["p"]})
table = pd.DataFrame(rows)
table.pivot(index="representation", columns="method", values="AUC").round(3)

# %%
table.round(3)

# %% [markdown]
# Why is `diff` so good? Look at what the diff representation embeds for a curated edit:

# %%
from embedmotion.datasets import curated_edits

print("\n".join(curated_edits(categories=["less-flaky"])[0].diff(context=2).splitlines()[:4]))

# %% [markdown]
# ## Suggestions
#
# Ranking candidate rewrites of a test along this direction is the job of
# `embedmotion.suggest`, written separately; this notebook only checks whether it is there.

# %%
print("embedmotion.suggest is", "available" if hasattr(embedmotion, "suggest") else "not available in this version")

# %% [markdown]
# ## Findings
#
# Written from the outputs above (numbers at the time of writing; the cells recompute them).
#
# 1. **As a test classifier, the direction does not work.** Scoring held-out tests by
#    their cosine with a less-flaky direction fitted on other projects separates stable
#    from flaky versions with AUC 0.52 (95% CI 0.45–0.61): inside the band of random
#    directions (0.47–0.53) and equal to a direction made from two phrases (0.52).
# 2. **Within one edit, it does move the right way.** The stable version scores above its
#    own flaky version in 73 of 112 edits (65%, sign test p ≈ 0.001). But the shift is
#    tiny (+0.009 on average) next to the spread of scores across tests (std 0.105):
#    the axis ranks a test by *what it is about* far more than by how flaky it is.
# 3. **The extremes show it.** Both versions of the same test sit side by side at each end:
#    retry/backoff code, fake timers and waits at the top (both versions of
#    `RetryBackoff` score +0.32), sockets, background flushers and build outputs at the
#    bottom. By sub-kind, sleep→wait and seed-randomness tests score highest in *both*
#    versions. The direction view shows the same: the stable centroid sits right of the
#    flaky one (in-sample), but the clouds overlap almost entirely.
# 4. **As an edit classifier, it works — about as well as the lexical baseline.** Held out
#    by project, less-flaky *edits* are separated from the other 560 edits with AUC ≈ 0.70–
#    0.77 using fragment or hunk vectors (hunk + probe best: 0.77), while the lexical bag
#    of added/removed tokens reaches 0.76 (contrast) and 0.83 (probe). On this data the
#    neural representations do not beat counting tokens such as `sleep`, `seed`, `wait`.
# 5. **The `diff` representation leaks the label.** Its near-perfect AUC (0.96–1.00) is an
#    artefact: a curated edit's diff header names its path, `project/less-flaky-py-001`,
#    so the category is in the embedded text. Mined edits have real paths, but for the
#    curated corpus `diff` results must be ignored until the curated paths stop carrying
#    the id (reported to the lead).
# 6. `embedmotion.suggest` was not exported at the time of writing; the cell above says
#    whether it is now.
