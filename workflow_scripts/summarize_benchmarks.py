"""Rule summarize_benchmarks: wall time and peak memory per rule from every job's `benchmark:` file, with the
mem_mb and runtime to ask for (eax.benchmarks), as a table and a figure for the report."""

from glob import glob

import pandas as pd

from eax.benchmarks import rule_costs
from eax.figures import rule_cost_bars
from eax.io import atomic_path, write_text
from eax.runner import run_script
from eax.tables import to_markdown


def main(snakemake) -> None:
    params, output = snakemake.params, snakemake.output
    benchmarks = {rule: [pd.read_csv(path, sep="\t") for path in sorted(glob(pattern))]
                  for rule, pattern in zip(params.rules, params.patterns)}
    costs = rule_costs(benchmarks, params.headroom)
    write_text(costs.to_csv(index=False, float_format="%.2f"), output.table)
    write_text(f"# Cost per rule (run {params.run_name}; suggestions = peak x {params.headroom:g})\n\n"
               + to_markdown(costs), output.markdown)
    with atomic_path(output.figure) as temporary:
        rule_cost_bars(costs).savefig(temporary, dpi=110, format="png")
    print(to_markdown(costs))


run_script(main, snakemake)
