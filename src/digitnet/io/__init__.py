"""Reading and writing files safely: atomic writes, and pickle-free model files that carry their description."""

from digitnet.io.atomic import atomic_write
from digitnet.io.model import Model
from digitnet.io.model_file import load_model, save_model

__all__ = ["Model", "atomic_write", "load_model", "save_model"]
