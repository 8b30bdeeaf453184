"""Randomized guarantees of `walk_forward_splits` (purge, embargo, order, tiling), checked with independent arithmetic."""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.data import ConfigError, DataError
from lstm_quant.validation import Split, check_splits, walk_forward_splits


def _n_valid(train_size, valid_frac):
    return max(int(round(valid_frac * train_size)), 1) if valid_frac > 0 else 0


def _impossible(dates, *, train_size, test_size, embargo, horizon, valid_frac, expanding, first_test=None,
                min_test_size=1):
    g = max(embargo, horizon)
    nv = _n_valid(train_size, valid_frac)
    if train_size - nv - (g if nv else 0) < 1 or min_test_size > test_size:
        return True
    p0 = train_size + g
    if first_test is not None:
        p = int(np.sum(dates < pd.Timestamp(first_test)))
        if p < p0:
            return True
        p0 = p
    return p0 + min_test_size > len(dates)


def _check(splits, dates, *, train_size, test_size, embargo, horizon, valid_frac, expanding, first_test=None,
           min_test_size=1):
    pos = {d: i for i, d in enumerate(dates)}
    g = max(embargo, horizon)
    nv = _n_valid(train_size, valid_frac)
    assert splits
    tested = []
    for k, s in enumerate(splits):
        assert s.fold == k and len(s.valid) == nv
        seq = [s.train] + ([s.valid] if nv else []) + [s.test]
        for seg in seq:
            p = [pos[d] for d in seg]
            assert p and p == list(range(p[0], p[0] + len(p)))
        for a, b in zip(seq, seq[1:]):
            pa, pb = pos[a[-1]], pos[b[0]]
            assert pa < pb, "segments out of order"
            assert pb - pa - 1 >= g, "gap smaller than max(embargo, horizon)"
            assert max(pos[t] for t in a) + horizon < pb, "a label window reaches the next segment"
            assert not set(a) & set(b)
        if expanding:
            assert pos[s.train[0]] == 0
        else:
            assert pos[(s.valid if nv else s.train)[-1]] - pos[s.train[0]] + 1 == train_size
        assert len(s.test) == test_size or k == len(splits) - 1
        assert len(s.test) >= min_test_size
        tested += [pos[d] for d in s.test]
    p0 = tested[0]
    assert tested == list(range(p0, p0 + len(tested))), "test blocks overlap or leave a hole"
    assert len(dates) - (p0 + len(tested)) < min_test_size, "evaluation stops before the end"
    if first_test is None:
        assert p0 == train_size + g
    else:
        assert dates[p0] >= pd.Timestamp(first_test) and (p0 == 0 or dates[p0 - 1] < pd.Timestamp(first_test))


@pytest.mark.parametrize("seed", range(4))
def test_random_configurations(seed):
    rng = np.random.default_rng(1000 + seed)
    ok = refused = 0
    for _ in range(150):
        n = int(rng.integers(20, 700))
        all_days = pd.bdate_range("1999-01-01", periods=int(n * 1.3))
        dates = pd.DatetimeIndex(np.sort(rng.choice(all_days, n, replace=False)))
        kw = dict(train_size=int(rng.integers(2, 300)), test_size=int(rng.integers(1, 100)),
                  embargo=int(rng.integers(0, 20)), horizon=int(rng.integers(0, 15)),
                  valid_frac=float(rng.choice([0.0, 0.05, 0.2, 0.5, 0.8])), expanding=bool(rng.integers(2)),
                  min_test_size=int(rng.integers(1, 6)))
        if rng.random() < 0.3:
            kw["first_test"] = dates[int(rng.integers(0, n))]
        try:
            splits = walk_forward_splits(dates, **kw)
        except ConfigError:
            assert _impossible(dates, **kw), kw
            refused += 1
            continue
        assert not _impossible(dates, **kw), kw
        _check(splits, dates, **kw)
        check_splits(splits, dates, horizon=kw["horizon"], embargo=kw["embargo"])
        ok += 1
    assert ok > 50 and refused > 0


def test_step_must_equal_test_size():
    dates = pd.bdate_range("2010-01-01", periods=500)
    with pytest.raises(ConfigError, match="overlap"):
        walk_forward_splits(dates, train_size=200, test_size=50, step=25)
    with pytest.raises(ConfigError, match="holes"):
        walk_forward_splits(dates, train_size=200, test_size=50, step=60)
    assert len(walk_forward_splits(dates, train_size=200, test_size=50, step=50)) == len(
        walk_forward_splits(dates, train_size=200, test_size=50))


def test_check_splits_catches_a_leak():
    dates = pd.bdate_range("2010-01-01", periods=300)
    leaky = [Split(0, dates[:100], dates[103:150], dates[160:200])]
    with pytest.raises(DataError, match="between train"):
        check_splits(leaky, dates, horizon=5)
    check_splits(leaky, dates, horizon=3)
