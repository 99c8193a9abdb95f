"""A committee's model file: one ``.npz`` like a network's, holding every member.

Inside, as in :mod:`digitnet.io.model_file` (pickle-free, written atomically):

- ``digitnet.json``: the description, with ``"kind": "committee"`` and format version 2 (so a digitnet
  too old to know committees says "upgrade" instead of reading one member as the whole model), the
  committee's own recipe, seeds and metrics (what ``digitnet info`` shows), and under ``members`` each
  member's architecture and its own description (seed, metrics, history);
- ``param.m<i>.<layer>.<name>``: member ``i``'s arrays, named as a single network's are.

Loading rebuilds each member from its architecture (known layer types only) and checks every array
against it, exactly as for one network, within one budget for the whole file: the members' parameters
and their work per picture add up (``io/limits.py``). ``load_model`` hands committee files here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.description import check_classes, check_reject
from digitnet.io.model import Model
from digitnet.io.model_file import FORMAT, PARAM_PREFIX, ModelArchive, write_archive
from digitnet.nn.committee import Committee

KIND = "committee"
FORMAT_VERSION = 2
#: more members than this in a file is not a committee anyone trained (Ciresan et al. used 35)
MAX_MEMBERS = 100


def save_committee(committee: Committee, path: "str | Path", metadata: dict[str, Any] | None = None,
                   member_metadata: "list[dict[str, Any]] | None" = None) -> Path:
    """Write ``committee`` to ``path`` atomically; ``member_metadata[i]`` describes member ``i``."""
    described = member_metadata or [{} for _ in committee.members]
    if len(described) != len(committee.members):
        raise DigitnetError(f"{len(described)} member descriptions for {len(committee.members)} members")
    members = [{**{k: v for k, v in about.items() if k not in ("format", "format_version", "architecture")},
                "architecture": member.get_config()} for member, about in zip(committee.members, described)]
    meta = {**(metadata or {}), "format": FORMAT, "format_version": FORMAT_VERSION, "kind": KIND,
            "digitnet_version": __version__, "members": members}
    arrays = {f"m{i}.{name}": array for i, member in enumerate(committee.members)
              for name, array in member.named_arrays().items()}
    return write_archive(path, meta, arrays)


def committee_from_archive(archive: ModelArchive, meta: dict[str, Any]) -> Model:
    """The committee an open, checked archive and its description make, as a Model; every member checked
    as a network is (sizes before building, array headers before reading), within one budget for the
    whole file."""
    path, members = archive.path, meta.get("members")
    if not isinstance(members, list) or not 2 <= len(members) <= MAX_MEMBERS \
            or not all(isinstance(m, dict) and isinstance(m.get("architecture"), dict) for m in members):
        raise DigitnetError(f"{path} is damaged: a committee needs 2 to {MAX_MEMBERS} member descriptions, "
                            "each with an architecture")
    prefixes = [f"{PARAM_PREFIX}m{i}." for i in range(len(members))]
    stray = [name for name in archive.members if name.startswith(PARAM_PREFIX)
             and not any(name.startswith(p) for p in prefixes)]
    if stray:
        raise DigitnetError(f"{path} is damaged: arrays {sorted(stray)[:5]} belong to no member")
    networks = []
    for i, (prefix, about) in enumerate(zip(prefixes, members)):
        network = archive.network(about["architecture"], prefix, f"the committee's {len(members)} networks together",
                                  f"member {i}, ")
        check_classes(about, network.n_outputs, path, f"members[{i}].classes")
        check_reject(about, [network], path)
        networks.append(network)
    try:
        committee = Committee(networks)
    except DigitnetError as err:
        raise DigitnetError(f"{path} is damaged: {err}") from None
    check_classes(meta, committee.n_outputs, path)
    check_reject(meta, networks, path)
    return Model(committee, meta)
