import os, warnings
import matplotlib
matplotlib.use("Agg")
os.environ.setdefault("IN_TEST", "1")  # progress bars stay quiet, as under nbdev-test
