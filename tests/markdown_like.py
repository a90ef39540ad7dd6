"""A markdown-like synthetic document for the recursive splitter and candidate tests."""

from __future__ import annotations

import random
import re

WORDS = re.findall(
    r"\S+",
    "the a regulation article shall data provider system risk model of to and in for high-risk transparency "
    "obligations deployer authority market surveillance general-purpose",
)


def make_document(seed: int = 0, sections: int = 6) -> str:
    """A markdown-like text with headings, numbered items, bullets, paragraphs and long sentences."""
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40))).capitalize() + rng.choice(".!?")

    out = ["Preamble. " + sentence() + "\n"]
    for i in range(sections):
        out.append(f"\n# Title {i}\n\n## Part {i}.1\n\n")
        out.extend(" ".join(sentence() for _ in range(rng.randint(1, 8))) + "\n\n" for _ in range(rng.randint(2, 6)))
        out.extend(f"{k}. {sentence()}\n" for k in range(1, rng.randint(2, 6)))
        out.extend(f"- {sentence()}, {sentence()}\n" for _ in range(rng.randint(1, 4)))
        out.append("\n### Details\n\n" + " ".join(sentence() for _ in range(rng.randint(10, 30))) + "\n")
    return "".join(out)
