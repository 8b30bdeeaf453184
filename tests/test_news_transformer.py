"""The transformer (FinBERT-style) news scorer runs its real loading code on a tiny randomly initialised model built here.

No trained weights exist offline, so the test writes a local model directory itself: a word-level vocabulary, a BERT
tokenizer saved from it, and a one-layer BERT sequence classifier with random weights and the labels positive /
negative / neutral. The scorer must load it from the directory only (a hub name is refused), return
P(positive) - P(negative) for each text exactly as the model computes it, give each text the same score whatever batch
it is in, and feed `news_features` like the lexicon does. Skipped when `transformers` is not installed (the optional
`text` extra).
"""
import numpy as np
import pandas as pd
import pytest

transformers = pytest.importorskip("transformers", reason="the transformer scorer needs the optional transformers package (extra 'text')")
import torch

from lstm_quant.altdata import news_features, news_sessions, score_news, simulate_news, transformer_scores
from lstm_quant.core import ConfigError

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + "shares saw gain gains loss losses strong weak and the default decline".split()


def _tiny_model(path, labels=("positive", "negative", "neutral")):
    path.mkdir()
    (path / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    transformers.BertTokenizerFast(vocab_file=str(path / "vocab.txt")).save_pretrained(str(path))
    cfg = transformers.BertConfig(vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                  intermediate_size=32, max_position_embeddings=64, num_labels=len(labels),
                                  id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
                                  initializer_range=1.0)  # large random weights: scores that differ between texts
    torch.manual_seed(0)
    transformers.BertForSequenceClassification(cfg).save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return _tiny_model(tmp_path_factory.mktemp("tiny") / "model")


def test_scores_are_the_models_probabilities(model_dir):
    texts = ["Shares saw gains and strong demand", "Losses and a default", "the decline", "weak"]
    s = transformer_scores(texts, model_dir=model_dir)
    tok = transformers.AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True).eval()
    with torch.no_grad():
        p = model(**tok(texts, padding=True, return_tensors="pt")).logits.softmax(-1).numpy()
    np.testing.assert_allclose(s, p[:, 0] - p[:, 1], atol=1e-6)
    assert np.all(np.abs(s) <= 1) and np.ptp(s) > 1e-3, "random weights should still tell the texts apart"
    np.testing.assert_allclose(transformer_scores(texts, model_dir=model_dir, batch_size=1), s, atol=1e-5)  # batch-independent
    np.testing.assert_allclose(score_news(texts, scorer="transformer", model_dir=model_dir), s, atol=1e-12)


def test_news_features_with_the_transformer_scorer(model_dir):
    days = pd.bdate_range("2021-01-04", periods=30)
    news = simulate_news(days, ["A", "B", "C"], seed=1)
    nf = news_features(news, days, scorer="transformer", model_dir=model_dir)
    lex = news_features(news, days)
    pd.testing.assert_frame_equal(nf["news_count"], lex["news_count"])  # same items, same sessions
    s = transformer_scores(news["text"], model_dir=model_dir)
    one = news.assign(score=s)[news["asset"].eq("A")]
    day = days[10]
    in_day = news_sessions(one["time"], days) == 10
    assert in_day.any()  # the seeded stream has items in that session: the value check below always runs
    assert nf.loc[day, ("news_score", "A")] == pytest.approx(one.loc[in_day, "score"].mean(), abs=1e-9)


def test_only_local_directories_with_the_right_labels(tmp_path):
    with pytest.raises(ConfigError, match="never a download"):
        transformer_scores(["a"], model_dir="ProsusAI/finbert")
    odd = _tiny_model(tmp_path / "odd", labels=("bull", "bear"))
    with pytest.raises(ConfigError, match="'positive' and 'negative'"):
        transformer_scores(["a"], model_dir=odd)
