"""The conda envs and the pip constraints describe one stack, and every rule names its env."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# vLLM brings its own torch and transformers; they cannot match the COMET-compatible stack.
OWN_STACK = {"vllm": {"vllm", "torch", "transformers", "tokenizers", "huggingface-hub"}}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def constraint_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonical(name)] = version.split("+")[0]
    return pins


@pytest.mark.parametrize("env_file", sorted((ROOT / "envs").glob("*.yaml")), ids=lambda p: p.stem)
def test_env_pins_agree_with_constraints(env_file):
    pins = constraint_pins()
    dependencies = yaml.safe_load(env_file.read_text())["dependencies"]
    pip = next(item["pip"] for item in dependencies if isinstance(item, dict))
    assert pip, env_file
    own = OWN_STACK.get(env_file.stem, set())
    for requirement in pip:
        name, version = requirement.split("==")
        if canonical(name) in own:
            continue
        assert pins.get(canonical(name.split("[")[0])) == version, requirement


def test_every_rule_that_runs_code_names_a_conda_env_that_exists():
    """Target-only rules (`score_published_systems`: inputs, no script) run nothing and need none."""
    for smk in (ROOT / "rules").glob("*.smk"):
        blocks = re.split(r"^(?=(?:rule|checkpoint) \w+:)", smk.read_text(), flags=re.M)[1:]
        for block in blocks:
            if "    script:" not in block and "    shell:" not in block:
                continue
            env = re.search(r'^    conda:\n        "\.\./envs/(\w+)\.yaml"', block, flags=re.M)
            assert env and (ROOT / "envs" / f"{env.group(1)}.yaml").is_file(), (smk.name, block.splitlines()[0])
