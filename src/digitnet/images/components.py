"""Connected components: which pixels of a mask touch each other (8-neighbourhood).

The mask is read as horizontal runs of set pixels, row by row; a run joins every run of the row above
that it touches, diagonals included (a union-find over runs). A digit's mask has a few hundred runs
where it has thousands of pixels, so the Python loop stays short; the pixels themselves are handled by
NumPy. It runs on small masks (at most about 100x100, see :func:`digitnet.images.ink.keep_digit`).
"""

from __future__ import annotations

import numpy as np


def component_labels(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Label each set pixel with its component's number (1, 2, ... in the order of each component's
    first pixel, row by row); 0 stays background."""
    mask = np.asarray(mask, dtype=bool)
    h, w = mask.shape
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    run_rows, run_starts = np.nonzero(edges == 1)  # runs in row order, then left to right
    run_ends = np.nonzero(edges == -1)[1]  # one past the last pixel of each run, in the same order
    parent = list(range(len(run_rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, starts, ends = run_rows.tolist(), run_starts.tolist(), run_ends.tolist()
    above_first, above_last = 0, -1  # the runs of the row above the current one
    current_row, row_first = -1, 0
    for i, (r, s, e) in enumerate(zip(rows, starts, ends)):
        if r != current_row:
            above_first, above_last = (row_first, i - 1) if r == current_row + 1 else (0, -1)
            current_row, row_first = r, i
        for j in range(above_first, above_last + 1):
            if starts[j] > e:  # this run of the row above and all after it start beyond the reach of run i
                break
            if ends[j] >= s:  # the runs overlap or touch diagonally
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the earlier run stays the root
    numbers: dict[int, int] = {}
    labels = np.zeros((h, w), dtype=np.int32)
    for i, (r, s, e) in enumerate(zip(rows, starts, ends)):
        labels[r, s:e] = numbers.setdefault(root(i), len(numbers) + 1)
    return labels, len(numbers)
