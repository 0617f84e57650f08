"""The paper's claims on the test session's demo (eax.science), and the wiring checks that catch a pipeline
which reverses the method.

bench/science.py measured every claim over training seeds and CPU kernel settings and wrote the figures to
bench/results/science/claims.csv, which this test reads (the one source of those numbers). A claim counts as
reproduced when it held on every run and its mean minus two standard deviations clears its threshold; the others
are marked not reproduced, with those numbers, and only reported here (a non-strict xfail: the demo's run may
land on either side). The wiring checks are exact: bench/science.py shows each failing under the planted bug it
is for (chosen and rejected swapped; EAxE fed the x source).
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from eax.config import margin_name
from eax.science import CLAIMS, Outcomes, pair_wiring_errors, scorer_wiring_errors

MEASURED = Path(__file__).resolve().parents[1] / "bench" / "results" / "science" / "claims.csv"


def not_reproduced(measured: pd.DataFrame) -> dict[str, str]:
    """claim -> why it is not reproduced, from bench/science.py's figures; a reproduced claim is absent."""
    runs = [column for column in measured.columns
            if column not in {"claim", "threshold", "mean", "sd", "min", "max", "holds"}]
    reasons = {}
    for row in measured.to_dict("records"):
        held, total = map(int, row["holds"].split("/"))
        if held == total and row["mean"] - 2 * row["sd"] >= row["threshold"]:
            continue
        values = " / ".join(f"{row[run]:.2f}" for run in runs)
        verdict = "holds on every run, mean - 2 sd does not clear it" if held == total else f"holds on {held}/{total}"
        reasons[row["claim"]] = (f"{values} over {', '.join(runs)} (mean {row['mean']:.2f}, sd {row['sd']:.2f}) "
                                 f"against {row['threshold']:g}: {verdict}")
    return reasons


NOT_REPRODUCED = not_reproduced(pd.read_csv(MEASURED))


def test_every_claim_has_measured_figures():
    assert set(pd.read_csv(MEASURED)["claim"]) == {claim.name for claim in CLAIMS}


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
