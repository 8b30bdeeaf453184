"""A notebook-first research library for LSTM trading models: leak-free features, one training loop, walk-forward validation, honest backtests.

Modules:

- `lstm_quant.cli`: `lq study run`, `lq study grid`, `lq report` and `lq datasets`: the study room's functions behind a command line, with errors that say what to type instead.
- `lstm_quant.features`: A leak-free feature library (returns, technical indicators, volatility incl. GARCH, multi-timeframe, cross-asset, calendar, exogenous data), forward-looking targets kept apart from the inputs, a fit-on-train scaler, and zero-copy training windows.
- `lstm_quant.hedging`: Simulate geometric-Brownian-motion paths, hedge a short European call with proportional trading costs, and compare Black-Scholes delta hedging with a small LSTM policy $h_t = \mathrm{LSTM}(S_0, \dots, S_t)$ trained on the hedging P&L itself ("deep hedging", Buehler et al. 2019).
- `lstm_quant.portfolio`: Mean-variance weights from the model's expected returns and a shrinkage covariance (skfolio's `MeanRisk`, with budget, weight bounds and a turnover penalty), rebalanced every few weeks from past returns only; then every way of trading the predictions from this room, at 0, 5 and 10 bp, against buy-and-hold on `sp500_20`.
- `lstm_quant.regimes`: Find calm and turbulent market regimes with a Gaussian hidden Markov model (hmmlearn) or a Gaussian mixture (scikit-learn), fitted walk-forward on past data only and read through **forward-filtered** probabilities, then go flat or scale down in the turbulent regime.
- `lstm_quant.report`: What a study run says about its numbers: the study figures (tearsheet, model against baselines, IC panels, folds), the metrics table the command line prints, a verdict paragraph in which every clause is chosen by a number, and the run's files written atomically, with an HTML report that opens in any browser.
- `lstm_quant.risk`: Turn forecasts into positions several ways (sign, cost-aware threshold, top-k, Kelly, volatility targeting, uncertainty shrinkage), backtest them with costs and a one-day execution lag that the caller cannot forget, and summarise the result in numbers (`performance_summary`, with PSR) and in one picture (`tearsheet`).
- `lstm_quant.runs`: Where a study's outputs go and how they get there: run directories named by what they compute, files that are either complete or absent, the study notebook executed with papermill, resumable grids of studies run in parallel, and a leaderboard that deflates the best run for the number of runs behind it.
- `lstm_quant.study`: One command, one honest walk-forward study: the end-to-end run (data -> features -> walk-forward with baselines -> positions -> backtest with costs -> significance -> report), and the notebook that `lq study run` executes for it.
- `lstm_quant.study_config`: What a study is made of: `StudyConfig` (one flat set of typed parameters, checked as it is built), the `quick`, `full` and `smoke` presets, the feature sets, the casting of `-p key=value` strings and the parameter table."""

__version__ = "0.1.0"
