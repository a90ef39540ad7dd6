"""BI (block integrity) on small hand-made cases with exact values, and its undefined case."""

from __future__ import annotations

import pytest

from adaptive_splitters.metrics import block_integrity


def test_block_integrity_counts_blocks_cut_beyond_the_tolerance() -> None:
    # blocks [0, 10) [10, 30) [30, 40); only chunk starts count, and only strictly inside (l + 5, r - 5)
    assert block_integrity([(0, 20), (20, 40)], [10, 30], 40) == pytest.approx(2 / 3)
    assert block_integrity([(0, 15), (15, 40)], [10, 30], 40) == 1.0  # 15 is not > 10 + 5
    assert block_integrity([(0, 16), (16, 40)], [10, 30], 40) == pytest.approx(2 / 3)
    assert block_integrity([(0, 25), (25, 40)], [10, 30], 40) == 1.0  # 25 is not < 30 - 5
    assert block_integrity([(0, 20), (20, 40)], [10, 30], 40, tolerance=10) == 1.0
    # several starts in one block break it once
    assert block_integrity([(0, 17), (17, 22), (22, 40)], [10, 30], 40) == pytest.approx(2 / 3)


def test_block_integrity_undefined_and_trivial_cases() -> None:
    assert block_integrity([], [10], 40) is None
    assert block_integrity([(0, 40)], [10], 40) == 1.0
    assert block_integrity([(0, 20), (20, 40)], None, 40) == 0.0  # one block, cut in its middle
    assert block_integrity([(0, 20), (20, 40)], [], 40) == 0.0


def test_cut_blocks_are_the_blocks_bi_counts_as_broken() -> None:
    from adaptive_splitters.metrics.bi import cut_blocks

    assert cut_blocks([(0, 20), (20, 40)], [10, 30], 40) == [(10, 30)]
    assert cut_blocks([(0, 15), (15, 40)], [10, 30], 40) == []  # within the tolerance
    assert cut_blocks([(0, 5), (5, 17), (17, 35), (35, 40)], [10, 30], 40) == [(10, 30)]  # 5 and 35 are not inside
    assert cut_blocks([(0, 20), (20, 40)], None, 40) == [(0, 40)]
    assert cut_blocks([(0, 40)], [10], 40) == []
