"""How drafts read for what students really type: defects per 1,000 renders.

    .venv/bin/python -m bench.drafts_quality [--renders 3000] [--seed 1]

Realistic students and contacts (tests/content/realistic.py: names with titles and degrees,
"Surname, Given", stages like "MS2", sign-offs with their own punctuation, asks typed as
questions or phrases, met dates over 0–400 days) drive the real DraftService (unit-test fakes)
for every template × channel × version × tone it offers; the draft linter
(bot/content/lint.py) reads every render. Prints defects per 1,000 renders and the share of
renders with any defect, then the breakdown by rule and by template, with one example each.
The figure is deterministic for a seed; the target is 0.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time

from bot.content.templates import TemplateCatalogue
from bot.settings import PROJECT_ROOT
from tests.content.realistic import Render, render_scenario, scenario


async def collect(renders: int, seed: int) -> list[Render]:
    catalogue = TemplateCatalogue.load(PROJECT_ROOT / "templates")
    out: list[Render] = []
    index = 0
    while len(out) < renders:
        out += await render_scenario(scenario(seed * 100_003 + index), catalogue)
        index += 1
    return out


def report(renders: list[Render], seconds: float) -> str:
    total = len(renders)
    defects = [(r, d) for r in renders for d in r.defects]
    flawed = sum(1 for r in renders if r.defects)
    scenarios = len({r.scenario.seed for r in renders})
    lines = [
        f"{total} renders ({scenarios} students and contacts) in {seconds:.1f} s",
        f"defects per 1,000 renders: {1000 * len(defects) / total:.0f}",
        f"renders with a defect: {flawed} ({100 * flawed / total:.0f}%)",
        "",
        "by rule (per 1,000 renders, example):",
    ]
    by_rule = collections.Counter(d.code for _, d in defects)
    example = {}
    for r, d in defects:
        example.setdefault(d.code, (r, d))
    for code, count in by_rule.most_common():
        r, d = example[code]
        where = f"{r.result.rendered.template_id} {r.result.rendered.channel}"
        lines.append(f"  {code:28} {1000 * count / total:7.1f}   [{where}] {d.message}")
    lines += ["", "by template (defects per 1,000 of its renders; top rules with their counts):"]
    per_template = collections.Counter(r.result.rendered.template_id for r in renders)
    template_defects: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for r, d in defects:
        template_defects[r.result.rendered.template_id][d.code] += 1
    ranked = sorted(
        per_template, key=lambda t: -sum(template_defects[t].values()) / per_template[t]
    )
    for template_id in ranked:
        counts = template_defects[template_id]
        rate = 1000 * sum(counts.values()) / per_template[template_id]
        top = ", ".join(f"{code} {n}" for code, n in counts.most_common(3))
        lines.append(f"  {template_id:28} {rate:7.0f}   {top}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    renders = asyncio.run(collect(args.renders, args.seed))
    print(report(renders, time.perf_counter() - started))


if __name__ == "__main__":
    main()
