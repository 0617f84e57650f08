"""The paper's claims on the test session's demo (eax.science), and the wiring checks that catch a pipeline
which reverses the method.

bench/science.py measured every claim over five training seeds (docs/science.md). A claim counts as
reproduced when it held on every seed and its mean minus two standard deviations clears its threshold; the
others are marked not reproduced, with those numbers, and only reported here (a non-strict xfail: the demo's
seed may land on either side). The wiring checks are exact: bench/science.py shows each failing under the
planted bug it is for (chosen and rejected swapped; EAxE fed the x source).
"""

import pytest
import yaml

from eax.config import margin_name
from eax.science import CLAIMS, Outcomes, pair_wiring_errors, scorer_wiring_errors

# claim -> its numbers over seeds 0-4 (bench/science.py, docs/science.md); every other claim is reproduced
NOT_REPRODUCED = {
    "sft_x2x_is_poor": "English-centric minus x2x chrF 38.87 / 21.67 / 20.17 / 34.98 / 29.41 (mean 29.02, sd 8.14) "
                       "against 15: holds on every seed, mean - 2 sd does not clear it",
    "eaxt_beats_direct_candidates": "EAxT minus direct mean chrF against the truth 17.77 / 4.83 / 8.60 / 12.57 / "
                                    "15.60 (mean 11.87, sd 5.23) against 3: holds on every seed, mean - 2 sd does "
                                    "not",
    "eaxe_orders_better_than_direct": "ranking-agreement gain 0.12 / 0.19 / 0.01 / 0.09 / 0.10 (mean 0.10, sd 0.06) "
                                      "against 0.05",
    "eax_dpo_beats_sft": "x2x chrF gain 17.56 / 0.75 / 3.58 / 4.64 / 7.15 (mean 6.74, sd 6.47) against 2",
    "eax_dpo_beats_direct_dpo": "x2x chrF gain 20.35 / 13.50 / 3.21 / 9.54 / 14.24 (mean 12.17, sd 6.33) against 2: "
                                "holds on every seed, mean - 2 sd does not clear it",
    "direct_dpo_beats_sft": "x2x chrF gain -2.80 / -12.75 / 0.38 / -4.90 / -7.09 (mean -5.43, sd 4.93) against 2: "
                            "direct DPO lowers x2x on four seeds of five (docs/science.md says why)",
}


@pytest.fixture(scope="module")
def outcomes(finished_demo) -> Outcomes:
    return Outcomes.read(finished_demo / "results")


@pytest.fixture(scope="module")
def demo_config(finished_demo) -> dict:
    config = yaml.safe_load((finished_demo / "config" / "config.yaml").read_text())
    config["variants"] = {f"{a}_{b}": (a, b) for a in config["x2x"]["samplers"] for b in config["x2x"]["scorers"]}
    return config


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim.name for claim in CLAIMS])
def test_claim_on_the_demo(claim, outcomes, request):
    if claim.name in NOT_REPRODUCED:
        request.applymarker(pytest.mark.xfail(reason=f"not reproduced: {NOT_REPRODUCED[claim.name]}"))
    value = claim.measure(outcomes)
    assert value >= claim.threshold, f"{claim.statement}: {value:.3f} < {claim.threshold}"


def test_every_kept_pair_chooses_the_candidate_its_scorer_preferred(finished_demo, demo_config):
    margin = margin_name(demo_config["x2x"]["min_margin"])
    assert pair_wiring_errors(finished_demo / "results", list(demo_config["variants"]), margin) == []


def test_eaxe_scores_read_the_english_reference_and_direct_scores_the_x_source(finished_demo, demo_config):
    chat_template = demo_config["model"]["chat_template"]
    assert scorer_wiring_errors(finished_demo / "results", demo_config["variants"], chat_template) == []
