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


def test_every_rule_names_a_conda_env_that_exists():
    for smk in (ROOT / "rules").glob("*.smk"):
        text = smk.read_text()
        rules = re.findall(r"^(?:rule|checkpoint) (\w+):", text, flags=re.M)
        envs = re.findall(r'^    conda:\n        "\.\./envs/(\w+)\.yaml"', text, flags=re.M)
        assert len(envs) == len(rules), smk.name
        assert all((ROOT / "envs" / f"{env}.yaml").is_file() for env in envs)
