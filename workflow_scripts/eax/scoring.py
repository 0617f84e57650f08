"""Candidate scores: reference-based metrics for the RM data, and reward-model scores (EAxE or direct) for x2x."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eax.chat import as_chat, use_chat_model
from eax.errors import UserInputError
from eax.prompts import eval_prompt
from eax.weights import checked_model_path, load_options

SCORERS = ("eaxe", "direct")
REFERENCE_METRICS = ("comet", "chrf", "bleurt")


def flatten(candidates: pd.Series) -> tuple[list[int], list[str]]:
    """(row index of every candidate, candidate texts), so scorers work on one flat batch."""
    owners = [i for i, texts in enumerate(candidates) for _ in texts]
    return owners, [text for texts in candidates for text in texts]


def regroup(owners: list[int], scores: list[float], n_rows: int) -> list[list[float]]:
    grouped: list[list[float]] = [[] for _ in range(n_rows)]
    for owner, score in zip(owners, scores):
        grouped[owner].append(float(score))
    return grouped


def chrf_scores(hypotheses: list[str], references: list[str]) -> list[float]:
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    return [metric.sentence_score(hyp, [ref]).score for hyp, ref in zip(hypotheses, references)]


def looks_local(model: str) -> bool:
    """A checkpoint path rather than a hub id: hub ids are `owner/name`, never a .ckpt file or an explicit path."""
    return model.endswith(".ckpt") or model.startswith(("/", "./", "../", "~")) or Path(model).exists()


def load_comet(model: str, config_key: str):
    """A COMET (or xCOMET) model from a local checkpoint file or a hub id (e.g. Unbabel/wmt22-comet-da); a missing
    checkpoint or an unreachable hub is one error naming the config key and how to get the model."""
    import comet

    hub_id = "Unbabel/wmt22-comet-da" if looks_local(model) else model
    how = (f"download it where the hub is reachable (huggingface-cli download {hub_id}) and set {config_key} to its "
           "checkpoints/model.ckpt")
    if looks_local(model):
        if not Path(model).expanduser().is_file():
            raise UserInputError(f"{config_key}: COMET checkpoint {model} does not exist; {how}")
        return comet.load_from_checkpoint(str(Path(model).expanduser()), local_files_only=True)
    try:
        path = comet.download_model(model)
    except Exception as error:  # the hub client raises many kinds; all mean "could not fetch it"
        raise UserInputError(f"{config_key}: could not fetch COMET model {model} from the hub "
                             f"({type(error).__name__}); {how}") from None
    return comet.load_from_checkpoint(path)


def comet_scores(model, sources: list[str], hypotheses: list[str], references: list[str],
                 batch_size: int) -> list[float]:
    """Segment COMET scores x100 (the recipe pairs on a 0-100 scale)."""
    import torch

    if not hypotheses:
        return []
    samples = [{"src": s, "mt": h, "ref": r} for s, h, r in zip(sources, hypotheses, references)]
    output = model.predict(samples, batch_size=batch_size, gpus=1 if torch.cuda.is_available() else 0,
                           progress_bar=False)
    return [100 * score for score in output.scores]


def scorer_prompt(scorer: str, row) -> str:
    """EAxE: the English reference stands in as the source; direct: the x source itself."""
    if scorer == "eaxe":
        return eval_prompt(row.ref_lang, row.trg_lang, row.ref_text)
    if scorer == "direct":
        return eval_prompt(row.src_lang, row.trg_lang, row.src_text)
    raise ValueError(f"unknown scorer {scorer!r}; use one of {SCORERS}")


def load_reward_model(path: str, chat_template: str, trust_remote_code: bool = False, dtype: str = "auto"):
    """A sequence-classification reward model (right padding), speaking `chat_template` (eax.chat)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code, padding_side="right")
    model = AutoModelForSequenceClassification.from_pretrained(checked_model_path(path),
                                                               trust_remote_code=trust_remote_code,
                                                               **load_options(dtype))
    use_chat_model(model, tokenizer, chat_template, path)
    model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    return model, tokenizer


def values_at_last_token(model, input_ids, attention_mask):
    """The reward head's value at each row's last real token (`attention_mask.sum() - 1`, right padding).

    Read from the per-token head output, as the original's value head is read, rather than from the
    classifier's own pooling: that pools at the last token that is not the pad token, so where pad equals eos
    (Qwen2.5's tokenizer) it would skip the appended eos and read the candidate's last word instead.
    """
    hidden = model.base_model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    values = model.score(hidden)[..., 0]
    last = attention_mask.sum(dim=-1, keepdim=True) - 1
    return values.gather(-1, last)[:, 0]


def reward_texts(tokenizer, prompts: list[str], completions: list[str]) -> list[str]:
    """`chat(prompt) + completion + eos`: the text the reward model is trained on (trl appends the eos) and scores."""
    return [as_chat(tokenizer, prompt) + completion + tokenizer.eos_token
            for prompt, completion in zip(prompts, completions)]


def reward_scores(model, tokenizer, prompts: list[str], completions: list[str], batch_size: int) -> list[float]:
    """The reward at the end-of-turn token of `chat(prompt) + completion + eos`, where the RM was trained; texts
    go in batches of similar length (padding is compute), scores come back in input order."""
    import torch

    from eax.generation import length_sorted_batches

    encoded = tokenizer(reward_texts(tokenizer, prompts, completions), add_special_tokens=False)["input_ids"]
    scores = [0.0] * len(encoded)
    for indices in length_sorted_batches([len(ids) for ids in encoded], batch_size):
        batch = tokenizer.pad({"input_ids": [encoded[i] for i in indices]}, return_tensors="pt").to(model.device)
        with torch.inference_mode():
            values = values_at_last_token(model, batch["input_ids"], batch["attention_mask"]).float().tolist()
        for index, value in zip(indices, values):
            scores[index] = value
    return scores


def score_with_reward_model(rows: pd.DataFrame, scorer: str, model, tokenizer, batch_size: int) -> list[list[float]]:
    owners, texts = flatten(rows["candidates"])
    prompts = [scorer_prompt(scorer, row) for row in rows.itertuples(index=False)]
    flat = reward_scores(model, tokenizer, [prompts[i] for i in owners], texts, batch_size)
    return regroup(owners, flat, len(rows))


def load_reference_metric(metric: str, comet_model: str, bleurt_checkpoint: str | None):
    """The model a reference metric scores with (None for chrF): COMET, or BLEURT's (model, tokenizer)."""
    if metric == "comet":
        return load_comet(comet_model, "reward_data.comet_model")
    if metric == "bleurt":
        from eax.bleurt import load_bleurt

        return load_bleurt(bleurt_checkpoint, "reward_data.bleurt_checkpoint")
    return None


def score_against_references(rows: pd.DataFrame, metric: str, batch_size: int, metric_model=None) -> list[list[float]]:
    """Every candidate scored against its row's reference, 0-100; `metric_model` from `load_reference_metric`."""
    owners, texts = flatten(rows["candidates"])
    references = [rows["ref_text"].iloc[i] for i in owners]
    sources = [rows["src_text"].iloc[i] for i in owners]
    if metric == "chrf":
        flat = chrf_scores(texts, references)
    elif metric == "comet":
        flat = comet_scores(metric_model, sources, texts, references, batch_size)
    elif metric == "bleurt":
        from eax.bleurt import bleurt_scores

        flat = bleurt_scores(*metric_model, references, texts, batch_size)
    else:
        raise ValueError(f"unknown metric {metric!r}; use one of {REFERENCE_METRICS}")
    return regroup(owners, flat, len(rows))
