"""Rule score_translations: one metric (BLEU, chrF, COMET, xCOMET, BLEURT or the off-target rate) of one system's
hypotheses on one test set, per direction, with the metric's signature; and every segment's score (what
compare_with_baseline tests model-based and off-target scores on)."""

from pathlib import Path

import pandas as pd

from eax.io import write_parquet, write_text
from eax.languages import pair_name, split_pair_name
from eax.metrics import DirectionSegments, score_directions
from eax.runner import run_script
from eax.testsets import checked_hypotheses, load_directions


def main(snakemake) -> None:
    params, wildcards = snakemake.params, snakemake.wildcards
    directions = [split_pair_name(pair) for pair in params.directions]
    segments = load_directions(params.format, params.root, params.split, directions, params.max_segments)
    folder = Path(snakemake.input.hypotheses)
    data = {}
    for src, trg in directions:
        sources, references = segments[src, trg]
        hypotheses = checked_hypotheses(folder / f"{pair_name(src, trg)}.txt", len(references), allow_empty=True)
        data[src, trg] = DirectionSegments(sources, hypotheses, references)
    scores = score_directions(wildcards.metric, data, params.metric_model, params.metric_model_name, params.batch_size,
                              params.languages)
    frame = pd.DataFrame([{"testset": wildcards.testset, "model": wildcards.model, "src_lang": src, "trg_lang": trg,
                           "metric": score.metric, "score": score.value, "signature": score.signature}
                          for (src, trg), score in scores.items()])
    print(f"{wildcards.metric} of {wildcards.model} on {wildcards.testset} ({frame['signature'].iloc[0]}):\n"
          f"{frame[['src_lang', 'trg_lang', 'score']].round(2).to_string(index=False)}")
    write_text(frame.to_csv(index=False), snakemake.output.scores)
    write_parquet(pd.DataFrame([{"src_lang": src, "trg_lang": trg, "segment": index, "score": value}
                                for (src, trg), score in scores.items() for index, value in enumerate(score.segments)],
                               columns=["src_lang", "trg_lang", "segment", "score"]), snakemake.output.segments)


run_script(main, snakemake)
