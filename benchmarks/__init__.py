"""Radix benchmarks: start-up, in-process latency, HTTP under load and scale, measured in one run.

Run them with ``radix bench`` (see ``radix bench --help``) or ``python -m benchmarks.run`` from
the checkout. The machine is shared and noisy: the figures are medians, and the ratios between
figures of the same run hold better than any one absolute figure.
"""
