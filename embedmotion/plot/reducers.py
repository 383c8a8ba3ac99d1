"""Reducers: from embedding space (hundreds of dimensions) to the two axes of a plot.

Three estimators, all following the scikit-learn contract (parameters stored by
``__init__``, ``fit`` returns ``self``, fitted state ends in ``_``,
``fit_transform`` = ``fit`` then the coordinates of the fitted rows)::

    from embedmotion.plot import PCAReducer, UMAPReducer, DirectionAxes
    xy = PCAReducer(random_state=0).fit_transform(X)          # linear, fast, exact means
    xy = UMAPReducer(n_neighbors=15, random_state=0).fit_transform(X)   # neighbourhoods
    axes = DirectionAxes(get_direction("less-flaky")).fit(X)   # x = projection on the direction
    xy = axes.transform(X)                                     # y = top PCA axis of what is left

:class:`DirectionAxes` is TensorBoard Projector's *custom projection*: the x
axis is the projection on a direction A, the y axis the projection on a second
direction B, or — without B — on the first principal component of the vectors
once their A component is removed (so y shows the largest variation A does not
explain).  The coordinates are plain dot products, so ``xy[:, 0] == X @
unit(A)``.

``linear`` tells plot builders whether the image of a mean is the mean of the
images (PCA and direction axes: yes; UMAP: no).  :func:`reducer_from_spec`
turns the CLI's ``umap`` / ``pca`` / ``direction:NAME[,NAME]`` into a reducer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import NotFittedError, UsageError, check_param

UMAP_INSTALL = "pip install umap-learn"


@runtime_checkable
class Reducer(Protocol):
    """What plot builders need from a reducer."""

    linear: bool

    def fit(self, X: np.ndarray) -> Any: ...

    def transform(self, X: np.ndarray) -> np.ndarray: ...

    def fit_transform(self, X: np.ndarray) -> np.ndarray: ...

    def describe(self) -> str: ...

    def axis_names(self) -> tuple[str, str]: ...


def _as_matrix(X: Any, owner: str, *, min_rows: int = 1) -> np.ndarray:
    arr = np.asarray(X, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[0] < min_rows or arr.shape[1] < 1:
        raise UsageError(
            f"The 'X' parameter of {owner} must be a 2-D array with at least {min_rows} row(s). "
            f"Got shape {arr.shape} instead."
        )
    if not np.isfinite(arr).all():
        raise UsageError(
            f"{owner} got vectors with NaN or infinite values.",
            fix="Embed the pending rows first (e.g. corpus.embed_edits()) or drop them.",
        )
    return arr


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64).ravel()
    n = float(np.linalg.norm(v))
    if n == 0 or not np.isfinite(n):
        raise UsageError("A plot axis needs a finite, non-zero direction vector.")
    return v / n


def _sign_fix(v: np.ndarray) -> np.ndarray:
    """Make the largest-magnitude coordinate positive (a deterministic sign)."""
    return v if v[int(np.argmax(np.abs(v)))] >= 0 else -v


class _Base:
    linear: bool = True
    n_features_in_: int

    def _check(self) -> None:
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet.",
                fix="Call fit(X) (or fit_transform(X)) first.",
            )

    def _check_dim(self, X: np.ndarray) -> None:
        if X.shape[1] != self.n_features_in_:
            raise UsageError(
                f"{type(self).__name__} was fitted on {self.n_features_in_}-dimensional vectors "
                f"but got {X.shape[1]}-dimensional ones.",
                fix="Transform vectors from the same model (and representation) it was fitted on.",
            )

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)  # type: ignore[attr-defined,no-any-return]

    def __repr__(self) -> str:
        return self.describe()  # type: ignore[attr-defined,no-any-return]


class PCAReducer(_Base):
    """Principal components (centred), signs fixed so results are reproducible.

    Exact: an eigen-decomposition of the covariance matrix (or an SVD when there
    are fewer rows than dimensions), so no randomness is involved;
    ``random_state`` is accepted for a uniform interface with the other
    reducers.  Fitted: ``components_`` (n_components, d), ``mean_`` (d,),
    ``explained_variance_ratio_``.
    """

    linear = True

    def __init__(self, n_components: int = 2, *, random_state: int | None = 0) -> None:
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: np.ndarray) -> PCAReducer:
        check_param(
            isinstance(self.n_components, int) and self.n_components >= 1,
            "n_components",
            "PCAReducer",
            "a positive integer",
            self.n_components,
        )
        Xa = _as_matrix(X, "PCAReducer.fit", min_rows=2)
        n, d = Xa.shape
        mean = Xa.mean(axis=0, dtype=np.float64)
        Xc = Xa.astype(np.float64) - mean
        if n >= d:
            w, V = np.linalg.eigh(Xc.T @ Xc)
            order = np.argsort(w)[::-1]
            var, vecs = np.clip(w[order], 0, None), V[:, order].T
        else:
            _, sv, vt = np.linalg.svd(Xc, full_matrices=False)
            var, vecs = sv**2, vt
        k = min(self.n_components, len(var))
        total = float(var.sum())
        comps = np.zeros((self.n_components, d))
        comps[:k] = [_sign_fix(v) for v in vecs[:k]]
        ratio = np.zeros(self.n_components)
        ratio[:k] = var[:k] / total if total > 0 else 0.0
        self.components_ = comps
        self.mean_ = mean
        self.explained_variance_ratio_ = ratio
        self.n_features_in_ = int(d)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        self._check()
        Xa = _as_matrix(X, "PCAReducer.transform")
        self._check_dim(Xa)
        return ((Xa - self.mean_) @ self.components_.T).astype(np.float32)

    def describe(self) -> str:
        return "PCA"

    def axis_names(self) -> tuple[str, str]:
        if not hasattr(self, "explained_variance_ratio_"):
            return ("PC1", "PC2")
        r = self.explained_variance_ratio_
        return (f"PC1 ({r[0]:.0%} of variance)", f"PC2 ({r[1]:.0%} of variance)")


class UMAPReducer(_Base):
    """UMAP (umap-learn) with reproducible defaults.

    ``metric="cosine"`` suits sentence embeddings; ``random_state`` makes runs
    identical (umap then runs single-threaded); ``n_epochs`` trades quality for
    speed (200 by default, umap-learn's own choice for large inputs; tests use
    20-50).  Cost grows with the number of points: a few seconds for a thousand,
    about a minute for 5,000 on two cores (plus numba's one-off compilation) —
    lower ``max_points`` in the plot builders or use PCA for big inputs.  ``n_neighbors`` is lowered to ``n_rows - 1`` for
    tiny inputs.  Fitted: ``embedding_`` (coordinates of the fitted rows) and
    ``model_`` (the ``umap.UMAP`` object; ``transform`` places new rows).
    """

    linear = False

    def __init__(
        self,
        n_components: int = 2,
        *,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
        metric: str = "cosine",
        n_epochs: int | None = 200,
        random_state: int | None = 0,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.n_epochs = n_epochs
        self.random_state = random_state

    @staticmethod
    def _umap() -> Any:
        try:
            import umap
        except ImportError as exc:  # pragma: no cover - umap-learn is a dependency
            raise UsageError(
                f"The UMAP reducer needs the umap-learn package, which cannot be imported ({exc}).",
                fix=f"Install it with `{UMAP_INSTALL}`, or use the PCA reducer (--reducer pca).",
            ) from exc
        return umap

    def fit(self, X: np.ndarray) -> UMAPReducer:
        check_param(
            isinstance(self.n_neighbors, int) and self.n_neighbors >= 2,
            "n_neighbors",
            "UMAPReducer",
            "an integer >= 2",
            self.n_neighbors,
        )
        check_param(
            self.n_epochs is None or (isinstance(self.n_epochs, int) and self.n_epochs > 0),
            "n_epochs",
            "UMAPReducer",
            "a positive integer or None",
            self.n_epochs,
        )
        Xa = _as_matrix(X, "UMAPReducer.fit", min_rows=1)
        if Xa.shape[0] < 4:
            raise UsageError(
                f"UMAP needs at least 4 points to lay out; got {Xa.shape[0]}.",
                fix="Use the PCA reducer (reducer='pca') for very small inputs.",
            )
        umap = self._umap()
        model = umap.UMAP(
            n_components=self.n_components,
            n_neighbors=min(self.n_neighbors, Xa.shape[0] - 1),
            min_dist=self.min_dist,
            metric=self.metric,
            n_epochs=self.n_epochs,
            random_state=self.random_state,
            n_jobs=1 if self.random_state is not None else -1,
            init="spectral" if Xa.shape[0] > self.n_components + 2 else "random",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba / spectral-init chatter
            emb = model.fit_transform(Xa)
        self.model_ = model
        self.embedding_ = np.asarray(emb, dtype=np.float32)
        self.n_features_in_ = int(Xa.shape[1])
        return self

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        self._check()
        Xa = _as_matrix(X, "UMAPReducer.transform")
        self._check_dim(Xa)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(self.model_.transform(Xa), dtype=np.float32)

    def describe(self) -> str:
        return f"UMAP (n_neighbors={self.n_neighbors}, metric={self.metric})"

    def axis_names(self) -> tuple[str, str]:
        return ("UMAP 1", "UMAP 2")


class DirectionAxes(_Base):
    """x = projection on direction ``a``; y = on ``b``, or on the top PCA axis of the rest.

    ``a`` and ``b`` are :class:`~embedmotion.geometry.Direction` objects or
    vectors; they are scaled to unit length, never rotated, so the coordinates
    are exactly ``X @ unit(a)`` and ``X @ unit(b)``.  Without ``b``, ``fit``
    removes each row's ``a`` component and takes the first principal component
    of what is left (centred; a deterministic sign), which is orthogonal to
    ``a``.  Fitted: ``axes_`` (2, d), ``names_``.
    """

    linear = True

    def __init__(
        self,
        a: Any,
        b: Any = None,
        *,
        names: Sequence[str] | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.a = a
        self.b = b
        self.names = names
        self.random_state = random_state

    @staticmethod
    def _vector(d: Any) -> np.ndarray:
        v = getattr(d, "vector_", d)
        return _unit(np.asarray(v, dtype=np.float64))

    @staticmethod
    def _name(d: Any, default: str) -> str:
        prov = getattr(d, "provenance_", None) or {}
        return str(getattr(d, "name", None) or prov.get("name") or prov.get("label") or default)

    def fit(self, X: np.ndarray | None = None) -> DirectionAxes:
        a = self._vector(self.a)
        given = list(self.names or [])
        name_a = given[0] if given else self._name(self.a, "direction A")
        if self.b is not None:
            b = self._vector(self.b)
            if b.shape != a.shape:
                raise UsageError(
                    f"The two axis directions have different dimensions ({a.shape[0]} and {b.shape[0]}).",
                    fix="Use directions fitted with the same model.",
                )
            name_b = given[1] if len(given) > 1 else self._name(self.b, "direction B")
        else:
            if X is None:
                raise UsageError(
                    "DirectionAxes.fit needs X when only one direction is given "
                    "(the y axis is the top principal component of X with that direction removed)."
                )
            Xa = _as_matrix(X, "DirectionAxes.fit", min_rows=2)
            if Xa.shape[1] != a.shape[0]:
                raise UsageError(
                    f"The direction has dimension {a.shape[0]} but the vectors have {Xa.shape[1]}.",
                    fix="Use a direction fitted with the same model as the vectors.",
                )
            R = Xa.astype(np.float64)
            R = R - np.outer(R @ a, a)
            R = R - R.mean(axis=0)
            _, s, vt = np.linalg.svd(R, full_matrices=False)
            if not len(s) or s[0] <= 1e-9:
                raise UsageError(
                    "Nothing varies once the direction is removed, so there is no second axis.",
                    fix="Give a second direction (direction:A,B) or use more varied points.",
                )
            b = vt[0] - float(vt[0] @ a) * a  # numerically orthogonal to a
            b = _sign_fix(b / np.linalg.norm(b))
            name_b = given[1] if len(given) > 1 else f"top PCA axis without {name_a}"
        self.axes_ = np.vstack([a, b])
        self.names_ = (name_a, name_b)
        self.n_features_in_ = int(a.shape[0])
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        self._check()
        Xa = _as_matrix(X, "DirectionAxes.transform")
        self._check_dim(Xa)
        return (Xa.astype(np.float64) @ self.axes_.T).astype(np.float32)

    def describe(self) -> str:
        names = getattr(self, "names_", None)
        return "direction axes" + (f" (x: {names[0]}, y: {names[1]})" if names else "")

    def axis_names(self) -> tuple[str, str]:
        names = getattr(self, "names_", ("direction A", "direction B"))
        return (f"projection on {names[0]}", f"projection on {names[1]}")


class Precomputed(_Base):
    """Coordinates computed elsewhere (``coords=`` in the plot builders)."""

    linear = False

    def __init__(self, coords: np.ndarray, *, names: Sequence[str] = ("x", "y")) -> None:
        self.coords = coords
        self.names = tuple(names)

    def fit(self, X: np.ndarray | None = None) -> Precomputed:
        c = np.asarray(self.coords, dtype=np.float32)
        if c.ndim != 2 or c.shape[1] != 2 or not np.isfinite(c).all():
            raise UsageError(
                f"The 'coords' parameter must be a finite (n, 2) array. Got shape {c.shape} instead."
            )
        self.coords_ = c
        self.n_features_in_ = 2
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        raise UsageError("Precomputed coordinates cannot place new points.")

    def describe(self) -> str:
        return "precomputed coordinates"

    def axis_names(self) -> tuple[str, str]:
        return (str(self.names[0]), str(self.names[1]))


REDUCER_NAMES = ("umap", "pca", "direction:NAME[,NAME]")


def reducer_from_spec(
    spec: str | Reducer,
    *,
    random_state: int | None = 0,
    get_direction: Callable[[str], Any] | None = None,
    **umap_params: Any,
) -> Reducer:
    """``"umap"``, ``"pca"``, ``"direction:NAME"`` or ``"direction:A,B"`` → a reducer.

    Direction names are resolved with ``get_direction`` (default:
    :func:`embedmotion.directions.get_direction`: saved directions, then the
    curated categories).  A reducer object is returned unchanged.
    """
    if not isinstance(spec, str):
        return spec
    s = spec.strip()
    low = s.lower()
    if low == "umap":
        return UMAPReducer(random_state=random_state, **umap_params)
    if low == "pca":
        return PCAReducer(random_state=random_state)
    if low.startswith("direction:"):
        names = [n.strip() for n in s.split(":", 1)[1].split(",") if n.strip()]
        if not 1 <= len(names) <= 2:
            raise UsageError(
                f"The reducer {spec!r} must name one or two directions.",
                fix="Write direction:NAME or direction:NAME,OTHER (e.g. direction:less-flaky).",
            )
        if get_direction is None:
            from ..directions import get_direction as default_get

            dirs = [default_get(n) for n in names]
        else:
            dirs = [get_direction(n) for n in names]
        return DirectionAxes(
            dirs[0], dirs[1] if len(dirs) > 1 else None, names=names, random_state=random_state
        )
    raise UsageError(
        f"The 'reducer' parameter must be one of {', '.join(REDUCER_NAMES)}. Got {spec!r} instead."
    )


__all__ = [
    "UMAP_INSTALL",
    "REDUCER_NAMES",
    "Reducer",
    "PCAReducer",
    "UMAPReducer",
    "DirectionAxes",
    "Precomputed",
    "reducer_from_spec",
]
