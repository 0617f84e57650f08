"""The paper's claims in miniature, measured on a finished toy run (`results/tables/main.csv` and
`results/tables/oracle.csv`): each claim is a number and the threshold it must clear.

`bench/science.py` runs the demo over several training seeds and prints each measure's mean and spread;
`tests/test_science.py` asserts the claims on the test session's demo, and marks those that did not hold after
honest work as not reproduced, with the numbers (docs/science.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

EN_CENTRIC = ("en2x", "x2en")


@dataclass(frozen=True)
class Outcomes:
    """What a finished run measured: group means per model (main table) and the oracle table."""

    main: pd.DataFrame  # index: model; columns like "x2x chrf"
    oracle: pd.DataFrame  # index: variant; columns like "mean chrF", "ranking agreement"

    @classmethod
    def read(cls, results: Path, testset: str = "toy_devtest") -> Outcomes:
        main = pd.read_csv(results / "tables" / "main.csv")
        oracle = pd.read_csv(results / "tables" / "oracle.csv")
        return cls(main[main["testset"] == testset].set_index("model"), oracle.set_index("variant"))

    def chrf(self, model: str, group: str) -> float:
        if group == "en_centric":
            return sum(self.main.loc[model, f"{g} chrf"] for g in EN_CENTRIC) / len(EN_CENTRIC)
        return float(self.main.loc[model, f"{group} chrf"])

    def sampler(self, sampler: str, column: str) -> float:
        return float(self.oracle[self.oracle["sampler"] == sampler][column].iloc[0])


@dataclass(frozen=True)
class Claim:
    name: str
    statement: str
    measure: Callable[[Outcomes], float]
    threshold: float  # the claim holds when measure(outcomes) >= threshold

    def holds(self, outcomes: Outcomes) -> bool:
        return self.measure(outcomes) >= self.threshold


CLAIMS = (
    Claim("sft_learns_en_centric", "SFT translates English-centric directions: min(en2x, x2en) chrF",
          lambda o: min(o.chrf("sft", "en2x"), o.chrf("sft", "x2en")), 60.0),
    Claim("sft_x2x_is_poor", "SFT's x2x chrF trails its English-centric chrF by (points)",
          lambda o: o.chrf("sft", "en_centric") - o.chrf("sft", "x2x"), 15.0),
    Claim("eaxt_beats_direct_candidates", "EAxT candidates beat direct ones against the truth: mean chrF gain",
          lambda o: o.sampler("eaxt", "mean chrF") - o.sampler("direct", "mean chrF"), 3.0),
    Claim("eaxe_orders_better_than_direct", "EAxE orders EAxT candidates more often as the truth does than direct "
          "scoring: ranking-agreement gain", lambda o: o.oracle.loc["eaxt_eaxe", "ranking agreement"]
          - o.oracle.loc["eaxt_direct", "ranking agreement"], 0.05),
    Claim("eax_dpo_beats_sft", "DPO on EAX pairs lifts x2x chrF over SFT (points)",
          lambda o: o.chrf("dpo-eaxt_eaxe", "x2x") - o.chrf("sft", "x2x"), 2.0),
    Claim("eax_dpo_beats_direct_dpo", "DPO on EAX pairs beats DPO on direct pairs in x2x chrF (points)",
          lambda o: o.chrf("dpo-eaxt_eaxe", "x2x") - o.chrf("dpo-direct_direct", "x2x"), 2.0),
    Claim("direct_dpo_beats_sft", "DPO on direct pairs lifts x2x chrF over SFT, the paper's weaker baseline (points)",
          lambda o: o.chrf("dpo-direct_direct", "x2x") - o.chrf("sft", "x2x"), 2.0),
    Claim("eax_dpo_keeps_en_centric", "DPO on EAX pairs costs at most 5 English-centric chrF: the change (points)",
          lambda o: o.chrf("dpo-eaxt_eaxe", "en_centric") - o.chrf("sft", "en_centric"), -5.0),
)


def measure_all(outcomes: Outcomes) -> dict[str, float]:
    return {claim.name: claim.measure(outcomes) for claim in CLAIMS}


def pair_wiring_errors(results: Path, variants: list[str], margin: str) -> list[str]:
    """Every kept x2x pair's chosen must be the candidate its scorer scored higher: a swap of chosen and rejected
    anywhere between scoring and the pair file breaks this, whatever the science says."""
    errors = []
    for variant in variants:
        scored = pd.concat([pd.read_parquet(path) for path in sorted((results / "x2x" / "scores" / variant).glob(
            "*/*.parquet"))], ignore_index=True)
        score_of = {(row.src_text, row.trg_lang, text): score for row in scored.itertuples(index=False)
                    for text, score in zip(row.candidates, row.scores)}
        pairs = pd.read_parquet(results / "x2x" / "pairs" / variant / f"margin_{margin}" / "pairs.parquet")
        wrong = sum(score_of[pair.src_text, pair.trg_lang, pair.chosen] <= score_of[pair.src_text, pair.trg_lang,
                    pair.rejected] for pair in pairs.itertuples(index=False))
        if wrong:
            errors.append(f"{variant}: {wrong} of {len(pairs)} pairs choose the lower-scored candidate")
    return errors


def scorer_wiring_errors(results: Path, variants: dict[str, tuple[str, str]], chat_template: str,
                         rows: int = 4) -> list[str]:
    """EAxE scores must be the reward model's reward with the English reference as the source, and direct
    scores with the x source: recomputed here, prompts built independently of eax.scoring, for a few rows."""
    from eax.prompts import eval_prompt
    from eax.scoring import load_reward_model, reward_scores

    model, tokenizer = load_reward_model(str(results / "models" / "rm"), chat_template)
    errors = []
    for variant, (_, scorer) in variants.items():
        stored = pd.read_parquet(sorted((results / "x2x" / "scores" / variant).glob("*/*.parquet"))[0]).head(rows)
        for row in stored.itertuples(index=False):
            source = (row.ref_lang, row.ref_text) if scorer == "eaxe" else (row.src_lang, row.src_text)
            prompt = eval_prompt(source[0], row.trg_lang, source[1])
            again = reward_scores(model, tokenizer, [prompt] * len(row.candidates), list(row.candidates), 8)
            if any(abs(old - new) > 1e-3 for old, new in zip(row.scores, again)):
                errors.append(f"{variant}: stored scores are not the reward model's with the "
                              f"{'English reference' if scorer == 'eaxe' else 'x source'} as source")
                break
    return errors
