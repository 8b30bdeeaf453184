"""lstm_quant: notebook-first research library for LSTM trading models."""
__version__ = "0.1.0"
