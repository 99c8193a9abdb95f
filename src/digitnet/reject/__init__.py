"""The reject option: knowing when a picture is not a digit, and probabilities that mean what they say.

- :mod:`.scores`: how much a network's logits look like a digit (top probability, energy, top logit);
- :mod:`.temperature`: temperature scaling, fitted on validation images (calibration);
- :mod:`.threshold`: the score that accepts a chosen share of validation digits;
- :mod:`.rule`: :class:`RejectRule`, the three together, as a model file keeps them;
- :mod:`.outlier_exposure`: the training loss that teaches a network to give non-digits low scores;
- :mod:`.energy_margin`: outlier exposure plus margins on the energy score itself;
- :mod:`.eleventh_class`: negatives as an eleventh class instead, folded back into ten outputs after training
  (with margins on its log-odds, :class:`LogOddsMargin`: the default's loss);
- :mod:`.committee`: what a committee's members add: their disagreement;
- :mod:`.committee_rule`: :class:`CommitteeRule`, a committee's rule (its members' temperatures, one
  threshold, and optionally their disagreement);
- :mod:`.decision`: :func:`decide`, what a model answers for a batch: a digit or "not a digit", and why.

Only NumPy and :mod:`digitnet.nn` are used here, so everything below the model file can use it.
"""

from digitnet.reject.committee import mean_probabilities, mean_score, unanimous
from digitnet.reject.committee_rule import CommitteeRule
from digitnet.reject.decision import Decision, decide
from digitnet.reject.eleventh_class import EleventhClass, LogOddsMargin, fold_eleventh_output
from digitnet.reject.energy_margin import EnergyMargin
from digitnet.reject.outlier_exposure import NOT_A_DIGIT, OutlierExposure
from digitnet.reject.rule import ACCEPT, REFUSED, RejectRule
from digitnet.reject.scores import SCORES, energy, max_logit, max_probability
from digitnet.reject.temperature import fit_temperature, negative_log_likelihood
from digitnet.reject.threshold import acceptance, choose_threshold

__all__ = ["ACCEPT", "CommitteeRule", "Decision", "EleventhClass", "EnergyMargin", "LogOddsMargin", "NOT_A_DIGIT",
           "OutlierExposure", "REFUSED", "RejectRule", "SCORES", "acceptance", "choose_threshold", "decide",
           "energy", "fit_temperature", "fold_eleventh_output", "max_logit", "max_probability", "mean_probabilities",
           "mean_score", "negative_log_likelihood", "unanimous"]
