"""Model files that are safe to load from strangers: one ``.npz`` archive, no pickle anywhere.

Inside the archive:

- ``digitnet.json``: a JSON description (format version, architecture, training settings, data set and
  its checksum, metrics, digitnet version), stored as UTF-8 bytes in a uint8 array;
- ``param.<layer>.<name>``: one plain float array per parameter, and per state array a layer keeps
  (BatchNorm's running statistics), under the same names as before ``Layer.state`` existed.

A file from a stranger may claim anything, so loading checks what each part claims *before* paying for
it, and reads nothing the checks have not passed:

1. the file must be a regular file (not a device or a pipe), and a zip archive of a bounded number of
   members;
2. the description's member is read only if its header says it is a byte string of at most
   :data:`MAX_DESCRIPTION_BYTES`; its JSON may nest at most :data:`MAX_NESTING` deep (NaN and
   infinities read as null, unknown);
3. every field of the description that digitnet reads is checked for type and range
   (``io/description.py``);
4. every array's header (shape, type) is read, not its data: only float arrays, adding up to at most
   :data:`MAX_ARRAY_BYTES`, each exactly as large as its member;
5. the network's sizes are worked out from the architecture, each layer asked for its shapes and cost,
   without building anything (``io/limits.py``), then it is built from zeros (no random weights drawn);
6. every array's shape is compared with the network's; only then is the data read (``allow_pickle=False``:
   a file can hold only numbers and text) and checked to be finite.

:func:`load_model` reads both kinds of file digitnet writes, one network or a committee of them
(``io/committee_file.py``), and returns a :class:`~digitnet.io.model.Model`: the network and its
description. :class:`ModelArchive` does the reading and checking for both.
"""

from __future__ import annotations

import json
import math
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write
from digitnet.io.description import check_classes, check_description, check_reject
from digitnet.io.jsonable import finite_only, json_default
from digitnet.io.limits import SizeLimits, Sizes, sized_network
from digitnet.io.model import Model
from digitnet.nn.committee import Committee
from digitnet.nn.network import Network

FORMAT = "digitnet-model"
FORMAT_VERSION = 1  # what save_model writes: one network
#: the newest format this version reads; 2 is a committee of networks (io/committee_file.py)
NEWEST_FORMAT = 2
META_KEY = "digitnet.json"
PARAM_PREFIX = "param."
#: digitnet's own descriptions take a few kilobytes (the training history is most of it)
MAX_DESCRIPTION_BYTES = 8 * 2**20
#: digitnet's own descriptions nest about six deep (architecture, layers, a layer, its kernel size)
MAX_NESTING = 64
#: all arrays together; the largest preset needs 7 MB, so this is twenty times more than any needs
MAX_ARRAY_BYTES = 2**27
MAX_MEMBERS = 10_000
#: what reading a damaged archive can raise (besides DigitnetError)
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error, NotImplementedError,
                RuntimeError, UnicodeDecodeError, OverflowError, IndexError, TypeError)


def save_model(model: "Model | Network | Committee", path: "str | Path",
               metadata: dict[str, Any] | None = None) -> Path:
    """Write a :class:`~digitnet.io.model.Model`, or a network (or committee) and its ``metadata``
    (anything JSON can hold), to ``path`` atomically."""
    if isinstance(model, Model):
        if metadata is not None:
            raise DigitnetError("a Model carries its own description: give it alone, or its network and `metadata`")
        metadata, model = model.metadata, model.network
    if isinstance(model, Committee):
        from digitnet.io.committee_file import save_committee

        meta = dict(metadata or {})
        return save_committee(model, path, meta, meta.pop("members", None))
    if not isinstance(model, Network):
        raise DigitnetError(f"save_model writes a Model, a Network or a Committee, not a {type(model).__name__}")
    meta = {**(metadata or {}), "format": FORMAT, "format_version": FORMAT_VERSION,
            "digitnet_version": __version__, "architecture": model.get_config()}
    return write_archive(path, meta, model.named_arrays())


def write_archive(path: "str | Path", meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Path:
    """The archive itself: ``meta`` as JSON, then each array as ``param.<name>``, written atomically."""
    path = Path(path)
    try:
        blob = json.dumps(finite_only(meta), indent=1, default=json_default, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as err:
        raise DigitnetError(f"model metadata cannot be written as JSON: {err}") from None
    entries: dict[str, Any] = {META_KEY: np.frombuffer(blob, dtype=np.uint8)}
    entries.update({PARAM_PREFIX + name: array for name, array in arrays.items()})
    with atomic_write(path) as f:
        np.savez(f, **entries)
    return path


def load_model(path: "str | Path") -> Model:
    """Read a model file: a :class:`~digitnet.io.model.Model` holding the network (a
    :class:`~digitnet.nn.committee.Committee` for a committee's file, which predicts like a network) and
    the file's description, every part checked as the module docstring says."""
    with ModelArchive(path) as archive:
        meta = archive.description()
        if meta.get("kind") == "committee":
            from digitnet.io.committee_file import committee_from_archive

            return committee_from_archive(archive, meta)
        network = archive.network(meta["architecture"], PARAM_PREFIX)
    check_classes(meta, network.n_outputs, archive.path)
    check_reject(meta, [network], archive.path)
    return Model(network, meta)


class ArrayHeader(NamedTuple):
    """What an array member claims to be, read from its .npy header without its data."""

    member: str
    shape: tuple[int, ...]
    dtype: np.dtype


class ModelArchive:
    """An open model file whose parts are checked, each before it is read (see the module docstring).

    Use as a context manager; :meth:`description` gives the checked JSON description and
    :meth:`network` the network that an architecture and the arrays under a name prefix make.
    """

    def __init__(self, path: "str | Path"):
        self.path = path = Path(path)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise DigitnetError(f"no model file at {path}; train one with 'digitnet train --out {path}'") from None
        except OSError as err:
            raise DigitnetError(f"cannot read {path}: {err.strerror or err}") from None
        if stat.S_ISDIR(mode):
            raise DigitnetError(f"{path} is a folder; give the path of a model file in it, like {path / 'default.npz'}")
        if not stat.S_ISREG(mode):
            raise DigitnetError(f"{path} is not a regular file (a device, a pipe or a socket); give a model file")
        self.bytes_claimed = 0
        #: what the networks built from this file need so far: one budget for the whole file
        self.limits, self.sized = SizeLimits(bytes=MAX_ARRAY_BYTES), Sizes()
        with self._reading():
            self.zip = zipfile.ZipFile(path)
        try:
            infos = self.zip.infolist()
            if len(infos) > MAX_MEMBERS:
                raise self.damaged(f"it has {len(infos):,} members")
            self.members = {info.filename: info for info in infos}
            if len(self.members) != len(infos):
                raise self.damaged("two of its members have the same name")
            if META_KEY + ".npy" not in self.members:
                raise DigitnetError(f"{path} is not a digitnet model (an .npz archive without {META_KEY})")
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> "ModelArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.zip.close()

    # -- the parts ---------------------------------------------------------------------------------
    def description(self) -> dict[str, Any]:
        """The JSON description, checked: bounded in size and depth, finite numbers, a known format, and
        every field digitnet reads of its declared type and range (``io/description.py``)."""
        header = self.header(META_KEY)
        if header.dtype != np.uint8 or len(header.shape) != 1 or header.shape[0] > MAX_DESCRIPTION_BYTES:
            raise self.damaged(f"its description is not a text of at most {MAX_DESCRIPTION_BYTES // 2**20} MB")
        blob = self.read(header).tobytes()
        return check_description(parse_description(blob, self.path), self.path)

    def arrays(self, prefix: str) -> dict[str, ArrayHeader]:
        """The headers of the array members named ``prefix...``, by the rest of the name; each is
        checked to be a float array, and all arrays read from this archive to fit :data:`MAX_ARRAY_BYTES`."""
        found = {}
        for member in self.members:
            if member.startswith(prefix) and member.endswith(".npy"):
                header = self.header(member[:-len(".npy")])
                if header.dtype.kind != "f" or header.dtype.itemsize > 8:
                    raise self.damaged(f"parameter {member[len(prefix):-4]} is {header.dtype}, not a float array")
                self.bytes_claimed += math.prod(header.shape) * header.dtype.itemsize
                if self.bytes_claimed > MAX_ARRAY_BYTES:
                    raise self.damaged(f"its arrays claim more than {MAX_ARRAY_BYTES // 2**20} MB")
                found[member[len(prefix):-len(".npy")]] = header
        return found

    def network(self, architecture: Any, prefix: str, whole: str = "the network", where: str = "") -> Network:
        """The network ``architecture`` describes, with the weights stored under ``prefix``. Its sizes
        are checked before it is built, added to those of the networks this archive built before (a
        committee's members: ``whole`` names them all and ``where`` this one in messages)."""
        headers = self.arrays(prefix)
        try:
            network, self.sized = sized_network(architecture, self.limits, self.sized, whole, where)
        except DigitnetError as err:
            raise DigitnetError(f"{self.path} has an unusable architecture: {err}") from None
        expected = network.named_arrays()
        missing, extra = expected.keys() - headers.keys(), headers.keys() - expected.keys()
        if missing or extra:
            raise self.damaged(f"parameters missing {sorted(missing)} / unexpected {sorted(extra)}")
        for name, header in headers.items():
            if header.shape != expected[name].shape:
                raise self.damaged(f"parameter {name} has shape {header.shape}, the architecture needs "
                                   f"{expected[name].shape}")
        for name, header in headers.items():
            array = self.read(header)
            if not np.all(np.isfinite(array)):
                raise self.damaged(f"parameter {name} is not a finite float array")
            expected[name][...] = array
        return network

    # -- reading members -----------------------------------------------------------------------------
    def header(self, name: str) -> ArrayHeader:
        """What the member ``name`` (.npy) claims: shape and type, read from its header alone; it must be
        a plain array exactly as long as the member."""
        member = name + ".npy"
        info = self.members.get(member)
        if info is None:
            raise self.damaged(f"it has no {name}")
        with self._reading(), self.zip.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise self.damaged(f"{name} is stored in .npy format {version}, which digitnet does not read")
            start = f.tell()
        if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
            raise self.damaged(f"{name} is not an array of plain numbers ({dtype}); nothing in it was read")
        if start + math.prod(shape) * dtype.itemsize != info.file_size:
            raise self.damaged(f"{name} claims {shape} values of {dtype} but its member holds "
                               f"{info.file_size - start:,} bytes of data")
        return ArrayHeader(member, tuple(int(n) for n in shape), dtype)

    def read(self, header: ArrayHeader) -> np.ndarray:
        """The data of an array whose header was checked (``allow_pickle=False``, bounded by the header)."""
        with self._reading(), self.zip.open(self.members[header.member]) as f:
            return np.lib.format.read_array(f, allow_pickle=False)

    def damaged(self, reason: str) -> DigitnetError:
        return DigitnetError(f"{self.path} is damaged: {reason}")

    def _reading(self):
        """Turn what a damaged archive makes zipfile or NumPy raise into one DigitnetError."""
        return _ReadErrors(self.path)


class _ReadErrors:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, err, tb) -> None:
        if kind is None or issubclass(kind, DigitnetError) or not issubclass(kind, _READ_ERRORS):
            return  # nothing, or not an error of reading: it goes on as it is
        if not _starts_like_a_zip(self.path):  # NumPy's own guess for such a file talks of pickles
            raise DigitnetError(f"{self.path} is not a digitnet model file (those are .npz archives, "
                                "written by 'digitnet train')") from None
        raise DigitnetError(f"{self.path} is not a readable digitnet model file ({_short(err)})") from None


# -- the description ---------------------------------------------------------------------------------
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def nesting(blob: bytes) -> int:
    """How deep the JSON text ``blob`` nests ``[`` and ``{``, counted without parsing it (strings left out),
    so that a description nested 200,000 deep is refused before the parser recurses into it."""
    bare = np.frombuffer(_STRING.sub(b"", blob), dtype=np.uint8)
    steps = np.zeros(len(bare), dtype=np.int32)
    steps[(bare == ord("[")) | (bare == ord("{"))] = 1
    steps[(bare == ord("]")) | (bare == ord("}"))] = -1
    return int(np.cumsum(steps).max(initial=0))


def _finite_or_none(text: str) -> float | None:
    """A JSON number as a float; NaN, Infinity and numbers beyond a float's range (1e400) read as null."""
    value = float(text)
    return value if math.isfinite(value) else None


def parse_description(blob: bytes, path: "str | Path") -> dict[str, Any]:
    """The JSON description of a model file, checked: depth, finite numbers, format and version."""
    if nesting(blob) > MAX_NESTING:
        raise DigitnetError(f"{path} is damaged: its description nests deeper than {MAX_NESTING} levels")
    try:
        meta = json.loads(blob.decode("utf-8"), parse_constant=_finite_or_none, parse_float=_finite_or_none)
    except (UnicodeDecodeError, ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        raise DigitnetError(f"{path} is damaged: its description is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DigitnetError(f"{path} is not a digitnet model (unknown format)")
    version = meta.get("format_version")
    if "format_version" not in meta:
        raise DigitnetError(f"{path} is damaged: its description has no format version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DigitnetError(f"{path} is damaged: its format version {version!r} is not a whole number from 1 up")
    if version > NEWEST_FORMAT:
        raise DigitnetError(f"{path} was written by a newer digitnet (format {version}); upgrade digitnet")
    if meta.get("kind") != "committee" and not isinstance(meta.get("architecture"), dict):
        raise DigitnetError(f"{path} is damaged: it has no architecture description")
    return meta


def _starts_like_a_zip(path: Path) -> bool:
    """Every .npz is a zip archive; a damaged one still starts like one, a text file or a picture does not."""
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:120] if str(err) else type(err).__name__
