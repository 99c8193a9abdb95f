"""Models in standard formats that other tools read: ONNX (``digitnet.export.onnx``).

A digitnet model file can only be read by digitnet; an ONNX file runs in ONNX Runtime, in a browser,
on a phone or inside another framework, without digitnet or NumPy. Writing one needs the optional
``onnx`` package (``pip install 'digitnet[onnx]'``), which is imported only when a file is written:
importing this package, or building the command line, never needs it.
"""

from digitnet.export.onnx import IR_VERSION, OPSET, committee_to_onnx, export_onnx, to_onnx

__all__ = ["IR_VERSION", "OPSET", "committee_to_onnx", "export_onnx", "to_onnx"]
