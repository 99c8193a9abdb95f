"""Training many networks at once on a Dask cluster: sweeps, the CNN ladder and committees.

A single training run uses one core well (digitnet's steps are NumPy matrix products on one BLAS
thread's worth of work per batch), so the way to use more cores, or more machines, is to run
*independent* trainings side by side: the trials of a hyper-parameter search, the rungs and seeds of
the CNN ladder, the members of a committee. Dask's distributed scheduler (``pip install
digitnet[dask]``) does the scheduling; digitnet writes none of its own.

- :mod:`~digitnet.scale.cluster`: connect to a scheduler (``tcp://HOST:8786``) or start a local
  cluster sized to the machine: one worker process per core, one thread and one BLAS thread each;
- :mod:`~digitnet.scale.trial`: one trial, run on a worker: a recipe and a seed in, one
  :func:`digitnet.train.run`, the model file's bytes out; :class:`~digitnet.scale.trial.TrialPool`
  submits trials and collects their outcomes (or runs them one after the other, without a cluster);
- :mod:`~digitnet.scale.space`: what a sweep searches, a grid or random points over any recipe's
  settings, counted before it is built;
- :mod:`~digitnet.scale.sweep`: ``digitnet sweep``, running those trials, resumable; each trial's record
  is :mod:`~digitnet.scale.record` (checked when read back) and the table ranked by validation accuracy
  :mod:`~digitnet.scale.report`;
- :mod:`~digitnet.scale.committee`: ``digitnet train --committee N``;
- :mod:`~digitnet.scale.members`: where the CNN ladder's models and a committee's members are kept, named
  and checked by their whole recipe, so each reuses the other's and neither overwrites another's.

What crosses the network: recipes (a few hundred bytes of JSON-ready settings) and seeds to the
workers, model files (bytes, checked on arrival by the same loader as any model file) back. The data
never travel: each worker reads MNIST from its own ``DIGITNET_DATA``, cache or ``--data`` folder, and
reports the data set's fingerprint, which must match (docs/scale-out.md).
"""
