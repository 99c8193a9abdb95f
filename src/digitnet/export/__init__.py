"""Models in forms that run without digitnet: ONNX graphs (``digitnet.export.onnx``) and the drawing page
as static files whose network runs in the browser (``digitnet.export.web``).

A digitnet model file can only be read by digitnet; an ONNX file runs in ONNX Runtime, in a browser,
on a phone or inside another framework, without digitnet or NumPy. Writing one needs the optional
``onnx`` package (``pip install 'digitnet[onnx]'``), which is imported only when a file is written:
importing this package, or building the command line, never needs it. The web page needs nothing but
digitnet: its network is plain JavaScript (``digitnet/serve/static/nn.js``).
"""

from digitnet.export.onnx import IR_VERSION, OPSET, committee_to_onnx, export_onnx, to_onnx
from digitnet.export.web import export_web, model_description, model_script, reject_rule

__all__ = ["IR_VERSION", "OPSET", "committee_to_onnx", "export_onnx", "export_web", "model_description",
           "model_script", "reject_rule", "to_onnx"]
