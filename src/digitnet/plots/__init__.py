"""Pictures of data, training and trained networks, written to files (matplotlib's Agg, no display).

One module per kind of picture: ``curves`` (learning curves, tutorial 3's cost curve), ``confusion``
(heat map), ``digits`` (sample grid, most confident mistakes), ``weights`` (first layer as images),
``boundary`` (tutorial 6's decision-boundary animation); ``report`` writes the usual set for a model.
"""

from digitnet.plots.boundary import BoundaryMovie
from digitnet.plots.confusion import plot_confusion
from digitnet.plots.curves import plot_cost_curve, plot_learning_curves
from digitnet.plots.digits import plot_samples, plot_worst_mistakes, worst_mistakes
from digitnet.plots.report import save_model_plots
from digitnet.plots.weights import plot_first_layer

__all__ = ["BoundaryMovie", "plot_confusion", "plot_cost_curve", "plot_first_layer",
           "plot_learning_curves", "plot_samples", "plot_worst_mistakes", "save_model_plots",
           "worst_mistakes"]
