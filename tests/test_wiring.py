"""eax.wiring: the paths and names the rules read, from a config, without Snakemake."""

from types import SimpleNamespace

import pytest

from eax.config import CONFIG_DIR, load_config
from eax.wiring import TOY_WORLD, Wiring, first_seed, name_pattern


@pytest.fixture
def default() -> dict:
    return load_config(CONFIG_DIR / "config.yaml")


def test_the_toy_default_has_six_english_centric_and_six_x2x_pairs_one_shard_each(default):
    wiring = Wiring(default)
    assert wiring.rm_pairs == ["en2qaa", "en2qab", "en2qac", "qaa2en", "qab2en", "qac2en"]
    assert len(wiring.x2x_pairs) == 6 and "en" not in "".join(wiring.x2x_pairs).replace("2", " ").split()
    assert wiring.shards == ["000"] and wiring.x2x_languages == ["qaa", "qab", "qac"]
    assert wiring.rm_score_files()[0] == "results/{seed_dir}rm/scores/en2qaa/000.parquet"


def test_every_variant_has_pairs_at_every_margin_and_runs_train_on_the_main_one(default):
    wiring = Wiring(default)
    assert len(wiring.x2x_pair_files()) == len(wiring.variants) * len(wiring.margins) == 4 * 4
    main = "results/seed_1/x2x/pairs/eaxt_eaxe/margin_0.1/pairs.parquet"
    assert wiring.preference_data("eaxt_eaxe", "seed_1/") == main
    assert wiring.preference_data("alma_r", "seed_1/") == "results/alma_r/pairs.parquet"  # one set for every seed


@pytest.mark.parametrize("base, tracked", [
    ("toy", [f"{TOY_WORLD['base_model']}/config.json"]),
    ("Qwen/Qwen2.5-7B", []),  # a hub id is loaded at run time: nothing to track
    ("/models/qwen", ["/models/qwen/config.json"]),
])
def test_a_base_model_is_tracked_by_its_local_files_only(default, base, tracked):
    default["model"]["base"] = base
    assert Wiring(default).model_files("base") == tracked
    assert Wiring(default).model_files("sft", "") == ["results/models/sft/config.json"]


def test_further_seeds_move_every_seed_and_live_under_their_own_folder(default):
    default["seeds"] = [0, 5]
    wiring = Wiring(default)
    assert wiring.seed_dirs == ["", "seed_5/"]
    assert wiring.seeded({"seed": 42, "lr": 1})(SimpleNamespace(seed_dir="seed_5/")) == {"seed": 47, "lr": 1}
    assert [seed for seed, _ in wiring.scored_outputs()].count(5) > 0
    assert first_seed("results/{seed_dir}models/sft") == "results/models/sft"


def test_the_rm_data_samples_at_its_own_temperature_when_set(default):
    assert Wiring(default).rm_sampling["temperature"] == default["reward_data"]["temperature"]
    default["reward_data"]["temperature"] = None
    assert Wiring(default).rm_sampling["temperature"] == default["sampling"]["temperature"]


def test_significance_tables_need_the_baseline_and_another_system(default):
    wiring = Wiring(default)
    assert wiring.significance_files() == [f"results/significance/toy_devtest/{m}.csv" for m in wiring.metrics]
    assert wiring.compared_systems("toy_devtest")[0] == "sft"
    default["evaluation"].update(models=["sft"], external_systems=[])
    assert Wiring(default).significance_files() == []


def test_a_name_pattern_matches_exactly_its_names():
    assert name_pattern(["dpo-a", "b.c"]) == r"dpo\-a|b\.c" and name_pattern([]) == "(?!)"
