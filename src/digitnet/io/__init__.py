"""Reading and writing files safely: atomic writes and pickle-free model files."""

from digitnet.io.atomic import atomic_write
from digitnet.io.model_file import load_model, save_model

__all__ = ["atomic_write", "load_model", "save_model"]
