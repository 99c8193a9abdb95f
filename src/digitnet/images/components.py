"""Connected components: which pixels of a mask touch each other (8-neighbourhood).

A plain flood fill, one component at a time. It only ever runs on small masks (at most about
100x100, see :func:`digitnet.images.ink.keep_digit`), so a Python loop over the set pixels is quick
and easier to read than a union-find.
"""

from __future__ import annotations

import numpy as np

_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def component_labels(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Label each set pixel with its component's number (1, 2, ...); 0 stays background."""
    mask = np.asarray(mask, dtype=bool)
    labels = np.zeros(mask.shape, dtype=np.int32)
    h, w = mask.shape
    count = 0
    for start in zip(*np.nonzero(mask)):
        if labels[start]:
            continue
        count += 1
        labels[start] = count
        stack = [start]
        while stack:
            r, c = stack.pop()
            for dr, dc in _NEIGHBOURS:
                rr, cc = r + dr, c + dc
                if 0 <= rr < h and 0 <= cc < w and mask[rr, cc] and not labels[rr, cc]:
                    labels[rr, cc] = count
                    stack.append((rr, cc))
    return labels, count
