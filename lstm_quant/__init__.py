"""A notebook-first research library for LSTM trading models: leak-free features, one training loop, walk-forward validation, honest backtests.

Modules:

- `lstm_quant.calendar`: Cyclical calendar features and point-in-time as-of joins that attach any dated exogenous series (macro figures, factor returns, sentiment) from the date it became knowable, with a bounded forward fill.
- `lstm_quant.cli`: `lq study run`, `lq study grid`, `lq report` and `lq datasets`: the study chapter's functions behind a command line, with errors that say what to type instead.
- `lstm_quant.cross_asset`: Features that look across assets: the market return and each asset's rolling correlation and beta with it, every trailing correlation matrix from cumulative sums, the average correlation, PCA absorption and MST centrality.
- `lstm_quant.features`: A leak-free feature library: one registry of feature groups (returns, technical indicators, volatility incl. GARCH, multi-timeframe, cross-asset, calendar, exogenous data), `build_features` to compute them for every asset at once, and a lookahead test that walks the whole registry.
- `lstm_quant.hedging`: Simulate geometric-Brownian-motion paths, hedge a short European call with proportional trading costs, and compare Black-Scholes delta hedging with a small LSTM policy $h_t = \mathrm{LSTM}(S_0, \dots, S_t)$ trained on the hedging P&L itself ("deep hedging", Buehler et al. 2019).
- `lstm_quant.indicators`: Causal normalisations (rolling, robust and expanding z-scores, cross-sectional ranks), technical indicators that match TA-Lib, volatility estimators incl. walk-forward GARCH, and closed weekly/monthly bars and intraday measures.
- `lstm_quant.portfolio`: Mean-variance weights from the model's expected returns and a shrinkage covariance (skfolio's `MeanRisk`, with budget, weight bounds and a turnover penalty), rebalanced every few weeks from past returns only; then every way of trading the predictions from this room, at 0, 5 and 10 bp, against buy-and-hold on `sp500_20`.
- `lstm_quant.regimes`: Find calm and turbulent market regimes with a Gaussian hidden Markov model (hmmlearn) or a Gaussian mixture (scikit-learn), fitted walk-forward on past data only and read through **forward-filtered** probabilities, then go flat or scale down in the turbulent regime.
- `lstm_quant.risk`: Turn forecasts into positions several ways (sign, cost-aware threshold, top-k, Kelly, volatility targeting, uncertainty shrinkage), backtest them with costs and a one-day execution lag that the caller cannot forget, and summarise the result in numbers (`performance_summary`, with PSR) and in one picture (`tearsheet`).
- `lstm_quant.study`: One command, one honest walk-forward study: the study parameters and presets, the end-to-end run (data -> features -> walk-forward with baselines -> positions -> backtest with costs -> significance -> report), atomic outputs, papermill batch runs with resume, and a leaderboard.
- `lstm_quant.windows`: Forward-looking targets kept apart from the inputs, zero-copy training windows (`WindowDataset`, `make_windows`) and a scaler fitted on training dates only (`FeatureScaler`)."""

__version__ = "0.1.0"
