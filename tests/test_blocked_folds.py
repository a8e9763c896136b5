"""Leak-free folds for datasets grouped in long runs of one class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.ids.evaluate import time_block_folds


def test_every_run_is_cut_into_consecutive_blocks_one_per_fold():
    category = pd.Series(["normal"] * 10 + ["ddos"] * 6 + ["normal"] * 4)
    folds = time_block_folds(category, 2)
    assert [f.tolist() for f in folds] == [[0, 1, 2, 3, 4, 10, 11, 12, 16, 17], [5, 6, 7, 8, 9, 13, 14, 15, 18, 19]]
    assert sorted(np.concatenate(folds).tolist()) == list(range(20))
    for f in folds:  # every class in every test fold
        assert set(category[f]) == {"normal", "ddos"}


def test_blocks_are_contiguous_within_a_run():
    category = pd.Series(["a"] * 100)
    for f in time_block_folds(category, 5):
        assert np.all(np.diff(f) == 1) and len(f) == 20


def test_fewer_than_two_folds_is_an_error():
    with pytest.raises(ValueError, match="at least 2 folds"):
        time_block_folds(pd.Series(["a", "b"]), 1)
