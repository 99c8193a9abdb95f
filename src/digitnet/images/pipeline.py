"""The whole preparation, in order: any picture of one digit -> a 28x28 image prepared like MNIST's.

    load_grey          read and check the file, make it grey           (digitnet.images.load)
    estimate_paper     the paper's brightness everywhere, ignoring ink (digitnet.images.ink)
    detect_ink         dark ink on light paper, or light on dark
    ink_contrast       how far each pixel is from the paper, lighting removed
    remove_background  the amount of ink, with grain and paper exactly 0
    keep_digit         drop specks and stray marks
    normalise_contrast strokes' cores to full ink
    normalise_thickness hair-lines widened to MNIST's stroke width
    crop_to_ink        the digit's bounding box                        (digitnet.images.geometry)
    fit_in_box         longer side to 20 pixels, aspect kept, anti-aliased
    centre_by_mass     into 28x28 with the centre of mass on pixel (14, 14)

``naive`` is what people try first (shrink the whole picture to 28x28), kept for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.images import geometry
from digitnet.images import ink as inkmod
from digitnet.images.load import MAX_PIXELS, Source, load_grey
from digitnet.images.numeric import sorted_blocks


@dataclass
class Prepared:
    """A prepared picture: the 28x28 uint8 image the network sees, and how it was obtained."""

    image: np.ndarray  # (28, 28) uint8, ink bright on black, exactly like an MNIST image
    ink: str  # "dark" (dark ink on light paper) or "light"
    steps: dict[str, np.ndarray] = field(default_factory=dict)  # intermediate images, if asked for


def check_ink_choice(ink: str) -> str:
    if ink not in inkmod.INK_CHOICES:
        raise DigitnetError(f"unknown ink {ink!r}; choose auto, dark (dark ink on light paper) or light")
    return ink


def choose_ink(grey: np.ndarray, ink: str = "auto", ordered: list | None = None) -> str:
    """Which way round the picture is: the given choice, or detected when it is "auto"."""
    if check_ink_choice(ink) == "auto":
        return inkmod.detect_ink(grey, inkmod.estimate_paper(grey, 50.0, ordered=ordered))
    return ink


def find_ink(grey: np.ndarray, ink: str = "auto") -> tuple[str, np.ndarray]:
    """Which way round the picture is, and the paper's brightness estimated knowing that."""
    ordered = sorted_blocks(grey, inkmod.block_side(grey.shape))  # sorted once, read twice
    ink = choose_ink(grey, ink, ordered)
    # the paper is on the far side from the ink: a bright percentile under dark ink, a dark one under light
    return ink, inkmod.estimate_paper(grey, 80.0 if ink == inkmod.DARK else 20.0, ink, ordered=ordered)


def prepare(source: Source, ink: str = "auto", name: str | None = None, keep_steps: bool = False,
            max_pixels: int = MAX_PIXELS) -> Prepared:
    """Read ``source`` (a path, file bytes or an array) and prepare it like an MNIST digit."""
    grey = load_grey(source, name=name, max_pixels=max_pixels)
    ink, paper = find_ink(grey, ink)
    steps: dict[str, np.ndarray] = {}
    note = steps.__setitem__ if keep_steps else (lambda key, value: None)
    note("grey", grey)
    note("paper", paper)
    contrast = inkmod.ink_contrast(grey, paper, ink)
    note("ink", np.clip(contrast, 0, 1))
    amount = inkmod.remove_background(contrast)
    amount = inkmod.keep_digit(amount)
    note("cleaned", amount)
    amount = inkmod.normalise_thickness(inkmod.normalise_contrast(amount))
    note("normalised", amount)
    boxed = geometry.fit_in_box(geometry.crop_to_ink(amount))
    note("boxed", boxed)
    image = geometry.to_bytes(geometry.centre_by_mass(boxed))
    return Prepared(image=image, ink=ink, steps=steps)


def naive(source: Source, ink: str = "auto", name: str | None = None, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """The first thing people try: shrink the whole picture to 28x28 and flip dark ink to bright.

    It knows the ink's colour (found the same way as :func:`prepare`) so that a comparison shows the
    worth of the other steps alone: background removal, cropping, the 20x20 box and centring.
    """
    grey = load_grey(source, name=name, max_pixels=max_pixels)
    ink = choose_ink(grey, ink)
    small = geometry.resample(grey, (28, 28))
    return geometry.to_bytes(1.0 - small if ink == inkmod.DARK else small)
