"""profiles/slurm on a real single-node SLURM cluster (tests/slurm/cluster.sh): GPU rules ask SLURM for a GPU, a
job that fails once is retried and succeeds, and the outputs equal those of the local smoke run (tests/smoke.yaml)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, SMOKE, copy_workflow, write_config

pytestmark = pytest.mark.slow  # brings up a SLURM cluster and runs the workflow on it

CLUSTER_SCRIPT = ROOT / "tests" / "slurm" / "cluster.sh"
SFT_MODEL, CANDIDATES = "results/models/sft/config.json", "results/rm/candidates/direct/en2qaa/000.parquet"
FAIL_ONCE = """import os, sys
from pathlib import Path
marker = Path(os.environ["EAX_TEST_FAIL_ONCE"])
if sys.argv[0].endswith(".sample_candidates.py") and not marker.exists():
    marker.touch()
    sys.exit("failing this job once, on purpose (tests/test_slurm.py)")
"""


@pytest.fixture(scope="module")
def slurm_cluster():
    """SLURM_CONF of a running cluster; torn down afterwards, whatever happened."""
    state = Path(tempfile.mkdtemp(prefix="eax-slurm-", dir="/tmp"))
    state.chmod(0o755)  # the munge and mysql users must reach their folders below it
    cluster = state / "cluster"
    up = subprocess.run([str(CLUSTER_SCRIPT), "up", str(cluster)], capture_output=True, text=True, timeout=900)
    try:
        if up.returncode == 77:
            pytest.skip(f"no SLURM cluster: {up.stderr.strip().splitlines()[-1]}")
        assert up.returncode == 0, up.stderr + "".join(path.read_text(errors="replace")[-2000:]
                                                        for path in cluster.glob("*.log"))
        yield {"SLURM_CONF": str(cluster / "slurm.conf")}
    finally:
        subprocess.run([str(CLUSTER_SCRIPT), "down", str(cluster)], capture_output=True, timeout=300)
        subprocess.run(["rm", "-rf", str(state)])


def reduced_config(workdir: Path) -> str:
    """The smoke overlay, its SFT and sampling rules asking for one GPU each."""
    def edit(config):
        config["resources"]["sft"]["gpu"] = 1
        config["resources"]["generate"]["gpu"] = 1

    return write_config(workdir, "slurm_test.yaml", edit, overlay=SMOKE)


def test_profile_adapted_to_a_cluster_runs_retries_and_matches_a_local_run(slurm_cluster, finished_smoke, tmp_path):
    local = finished_smoke  # the same config but for the GPU requests, run locally
    cluster = copy_workflow(tmp_path / "cluster")
    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    profile["default-resources"]["slurm_partition"] = "debug"  # what the README asks a user to adapt
    profile["set-resources"] = {rule: {**settings, "slurm_partition": "debug"}
                                for rule, settings in profile["set-resources"].items()}
    profile.update({"slurm-init-seconds-before-status-checks": 4, "seconds-between-status-checks": 3, "latency-wait": 5,
                    "slurm-logdir": str(tmp_path / "slurm-logs")})
    (cluster / "profiles" / "test_cluster").mkdir()
    (cluster / "profiles" / "test_cluster" / "config.yaml").write_text(yaml.safe_dump(profile))
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FAIL_ONCE)
    marker = tmp_path / "failed-once"
    env = {**os.environ, **slurm_cluster, "PYTHONPATH": str(hooks), "EAX_TEST_FAIL_ONCE": str(marker)}
    run = subprocess.run([sys.executable, "-m", "snakemake", "--profile", "profiles/test_cluster", SFT_MODEL,
                          CANDIDATES, "--configfile", reduced_config(cluster)],
                         cwd=cluster, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    assert marker.exists()  # the sampling job did fail once

    jobs = accounting(slurm_cluster)
    sampling = jobs[jobs["rule"] == "sample_rm_candidates"]
    assert list(sampling["state"]) == ["FAILED", "COMPLETED"], jobs
    for rule in ("train_sft", "sample_rm_candidates"):
        assert jobs.loc[jobs["rule"] == rule, "tres"].str.contains("gres/gpu=1").all(), jobs
    assert not jobs.loc[jobs["rule"] == "make_sft_data", "tres"].str.contains("gpu").any(), jobs
    assert {"make_toy_world", "check_corpus", "make_seed_shards"}.isdisjoint(jobs["rule"])  # localrules

    candidates = [pd.read_parquet(root / CANDIDATES) for root in (local, cluster)]
    assert candidates[0].equals(candidates[1])
    weights = [(root / SFT_MODEL).read_bytes() for root in (local, cluster)]
    assert weights[0] == weights[1]


def accounting(environment: dict) -> pd.DataFrame:
    """Every job the cluster ran: rule (from the plugin's job comment), requested TRES, final state."""
    output = subprocess.run(["sacct", "-X", "-n", "-P", "--format=JobIDRaw,Comment%200,ReqTRES%200,State"],
                            env={**os.environ, **environment}, capture_output=True, text=True, check=True).stdout
    rows = [line.split("|") for line in output.splitlines() if line.strip()]
    frame = pd.DataFrame(rows, columns=["job", "comment", "tres", "state"])
    frame["rule"] = frame["comment"].str.extract(r"rule_(\w+?)(?:_wildcards|$)", expand=False)
    return frame.sort_values("job", key=lambda ids: ids.astype(int)).reset_index(drop=True)
