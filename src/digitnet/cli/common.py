"""Pieces shared by several sub-commands: recipe and data options, number types, JSON output.

The training options are not written here: :func:`add_recipe_args` makes one flag per setting of a
:class:`~digitnet.presets.recipe.Recipe` (``digitnet.presets.SETTINGS``), with the setting's own check
and help, and :func:`recipe_from_args` turns the flags back into ``preset.with_overrides(...)``. Only
how each looks on the command line is written here (:data:`RECIPE_FLAGS`: its group, metavar, aliases
and the names it offers).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from digitnet.io.jsonable import json_default
from digitnet.nn.initializers import INITIALIZERS
from digitnet.nn.layers import ACTIVATIONS
from digitnet.nn.losses import LOSS_NAMES
from digitnet.nn.optimizers import OPTIMIZERS
from digitnet.nn.schedulers import SCHEDULES
from digitnet.presets import settings as S
from digitnet.presets.mlp import OPTION_NAMES
from digitnet.presets.recipe import NEGATIVE_TARGETS
from digitnet.reject.scores import SCORES as REJECT_SCORES

#: library parameter names whose command-line flag is not simply ``--name`` (error messages use the flag)
FLAGS = {"data_dir": "--data", "model": "--model"}


def flag(parameter: str) -> str:
    """The command-line flag for a library parameter: ``batch_size`` -> ``--batch-size``."""
    return FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def argument_type(check, what: str = ""):
    """An argparse ``type=`` from a setting's check: the check's "expected ..." becomes argparse's message."""
    def parse(text: str):
        try:
            return check(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    parse.__name__ = what or getattr(check, "__name__", "value")
    return parse


#: how the recipe settings appear as flags: the group of ``--help`` they are listed in, and argparse's
#: ``metavar``, ``choices`` and aliases (and a help of its own where the flag takes less than the
#: setting: ``--layers`` takes sizes only). A setting not listed here (``inputs``: the command line always
#: reads pictures) has no flag.
ARCHITECTURE, OPTIMISATION, REJECT = "architecture", "optimisation", "the reject option (docs/reject.md)"
RECIPE_FLAGS: dict[str, dict[str, Any]] = {
    "layers": {"group": ARCHITECTURE, "metavar": "SIZES", "help": "layer sizes, e.g. 784,256,10"},
    "activation": {"group": ARCHITECTURE, "choices": tuple(sorted(ACTIVATIONS))},
    "init": {"group": ARCHITECTURE, "choices": tuple(sorted(INITIALIZERS))},
    "dropout": {"group": ARCHITECTURE, "metavar": "RATE"},
    "loss": {"group": ARCHITECTURE, "choices": LOSS_NAMES},
    "augment": {"group": ARCHITECTURE, "metavar": "SPEC"},
    "optimizer": {"group": OPTIMISATION, "choices": tuple(OPTIMIZERS)},
    "lr": {"group": OPTIMISATION},
    "momentum": {"group": OPTIMISATION},
    "weight_decay": {"group": OPTIMISATION, "aliases": ("--l2",), "metavar": "WD"},
    "schedule": {"group": OPTIMISATION, "choices": SCHEDULES},
    "epochs": {"group": OPTIMISATION},
    "batch_size": {"group": OPTIMISATION},
    "val_size": {"group": OPTIMISATION, "metavar": "N"},
    "label_smoothing": {"group": OPTIMISATION, "metavar": "S"},
    "weight_average": {"group": OPTIMISATION, "metavar": "DECAY"},
    "patience": {"group": OPTIMISATION, "metavar": "EPOCHS"},
    "negatives": {"group": REJECT, "metavar": "N"},
    "fashion_negatives": {"group": REJECT, "metavar": "N"},
    "negative_weight": {"group": REJECT, "metavar": "W"},
    "negatives_as": {"group": REJECT, "choices": NEGATIVE_TARGETS},
    "energy_weight": {"group": REJECT, "metavar": "W"},
    "font_digits": {"group": REJECT, "metavar": "N"},
    "pen_digits": {"group": REJECT, "metavar": "N"},
    "reject_accept": {"group": REJECT, "metavar": "SHARE"},
    "reject_score": {"group": REJECT, "choices": tuple(REJECT_SCORES)},
}
#: the flags that describe an MLP (its sizes and the MLP options), refused for a CNN preset
MLP_FLAGS = ("layers", *OPTION_NAMES)


def add_recipe_args(parser: argparse.ArgumentParser) -> None:
    """One flag per recipe setting (``--lr``, ``--batch-size``...), grouped as :data:`RECIPE_FLAGS` says."""
    from digitnet.presets import SETTINGS

    groups: dict[str, argparse._ArgumentGroup] = {}
    for name, setting in SETTINGS.items():
        if name not in RECIPE_FLAGS:
            continue
        shown = RECIPE_FLAGS[name]
        group = groups.get(shown["group"]) or groups.setdefault(shown["group"],
                                                                parser.add_argument_group(shown["group"]))
        group.add_argument(flag(name), *shown.get("aliases", ()), dest=name, metavar=shown.get("metavar"),
                           type=argument_type(setting.check, name), choices=shown.get("choices"),
                           help=shown.get("help", setting.help) + (" (MLP presets only)" if name in MLP_FLAGS else ""))


#: the preset ``--model`` means when it is not given: the CNN, or the MLP when MLP options (--layers...) are
DEFAULT_PRESET, DEFAULT_MLP_PRESET = "default", "mlp-512"
MODEL_HELP = (f"named recipe to start from (default: {DEFAULT_PRESET}, a small CNN; {DEFAULT_MLP_PRESET} when "
              "MLP options such as --layers or --activation are given)")


def recipe_from_args(args: argparse.Namespace):
    """The preset named by ``--model``, with every recipe flag that was given applied to it.

    Without ``--model``, options that only an MLP has (``--layers``, ``--activation``...) start from the
    MLP preset rather than failing on the CNN; the recipe's label says which preset it started from.
    The MLP options change the MLP's layers and keep what they do not mention (``--activation tanh``
    keeps the preset's sizes): see ``Recipe.with_overrides``.
    """
    from digitnet.presets import get_preset

    changes = {name: getattr(args, name, None) for name in RECIPE_FLAGS}
    name = args.model
    if name is None:
        mlp_options = any(changes[option] is not None for option in MLP_FLAGS)
        name = DEFAULT_MLP_PRESET if mlp_options else DEFAULT_PRESET
    return get_preset(name).with_overrides(**changes)


def add_model_arg(parser: argparse.ArgumentParser) -> None:
    """An optional MODEL: a model file, or (left out) the trained model that ships with digitnet."""
    parser.add_argument("model", metavar="MODEL", nargs="?", help="a model file written by 'digitnet train' "
                        "(default: the model packaged with digitnet)")


def model_path(given: "str | None", quiet: bool = False) -> str:
    """The model file to use: the one given, else the packaged one, said on stderr so nobody is misled."""
    if given:
        return given
    from digitnet.models import packaged_model_path

    path = packaged_model_path()
    if not quiet:
        print(f"digitnet: using the packaged model {path} (give a model file to use another)", file=sys.stderr)
    return str(path)


def add_data_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--data", metavar="DIR", help="folder with the four MNIST-format files "
                       "(default: $DIGITNET_DATA, then the user cache, then download)")
    group.add_argument("--no-download", action="store_true", help="fail instead of downloading missing data")


def load_data(args: argparse.Namespace):
    from digitnet.data import FetchOptions, load_mnist

    report = (lambda message: print(f"digitnet: {message}", file=sys.stderr)) if sys.stderr.isatty() else None
    return load_mnist(args.data, download=not args.no_download, progress=sys.stderr.isatty(),
                      options=FetchOptions(report=report))


def print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, default=json_default))


positive_int = argument_type(S.positive_int)
non_negative_int = argument_type(S.non_negative_int)
positive_float = argument_type(S.positive_float)
seed = argument_type(S.seed, "seed")
port = argument_type(S.number(int, 0, 65535, wanted="a port from 1 to 65535, or 0 for any free one"), "port")


def add_cluster_args(parser: argparse.ArgumentParser, default: str) -> None:
    """Where independent trainings run. ``default`` is "local" (a local Dask cluster unless --serial)
    or "serial" (one after the other here unless --scheduler)."""
    group = parser.add_argument_group("cluster (needs digitnet[dask]; see docs/scale-out.md)")
    if default == "serial":
        group.add_argument("--scheduler", metavar="ADDRESS", nargs="?", const="local",
                           help="train on a Dask cluster: its scheduler's address (tcp://HOST:8786), or with no "
                                "address a local cluster of one worker per core (default: one after the other here)")
    else:
        group.add_argument("--scheduler", metavar="ADDRESS",
                           help="the Dask scheduler of an existing cluster, e.g. tcp://HOST:8786 (default: a local "
                                "cluster of one worker process per core)")
        group.add_argument("--serial", action="store_true",
                           help="no cluster: train one after the other in this process")
    group.add_argument("--workers", type=positive_int, metavar="N",
                       help="worker processes of the local cluster (default: one per core)")
    parser.set_defaults(cluster_default=default, serial=False)


def wants_cluster(args: argparse.Namespace) -> bool:
    """True when the trainings go to a Dask cluster (see :func:`add_cluster_args`)."""
    from digitnet.errors import DigitnetError

    if args.serial and args.scheduler:
        raise DigitnetError("--serial and --scheduler contradict each other; give one")
    return not args.serial and (args.scheduler is not None or args.cluster_default == "local")


def open_pool(args: argparse.Namespace, data=None, n_train=None, n_test=None):
    """A context manager giving the :class:`~digitnet.scale.trial.TrialPool` the arguments ask for.

    Workers read the data the way this command did (``--data``, else their own $DIGITNET_DATA or cache)
    and must report the same fingerprint as ``data``, the data set this machine loaded.
    """
    import contextlib

    from digitnet.scale.cluster import open_client
    from digitnet.scale.trial import DataSpec, TrialPool

    spec = DataSpec(args.data, n_train, n_test, download=not args.no_download)
    expected = getattr(data, "checksum", None)

    @contextlib.contextmanager
    def pool():
        if not wants_cluster(args):
            yield TrialPool(None, spec, expected)
            return
        address = None if args.scheduler in (None, "local") else args.scheduler
        with open_client(address, args.workers) as client:
            yield TrialPool(client, spec, expected)
    return pool()
