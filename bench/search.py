"""Global search (Ctrl+K) at a million leads: ``lookup.find`` against a naive LIKE scan."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from sqlalchemy import text

from app.persistence.uow import Database
from app.services.lookup import find
from bench.measure import percentile

_SAMPLE = text("SELECT name FROM clients ORDER BY random() LIMIT :n")
_NAIVE = text(
    "SELECT id FROM clients WHERE name_lower LIKE :pattern LIMIT 50"
)


@dataclass
class SearchFigures:
    """Latencies of ``find`` for what people type, and of the LIKE baseline."""

    latencies: list[float] = field(default_factory=list)
    naive: list[float] = field(default_factory=list)
    found: int = 0
    total: int = 0

    def markdown(self) -> str:
        """Rows for the report."""
        p50, p99 = percentile(self.latencies, 0.5) * 1000, percentile(self.latencies, 0.99) * 1000
        naive = percentile(self.naive, 0.5) * 1000
        verdict = "PASS" if p99 <= 100 else "**FAIL**"
        return "\n".join(
            [
                "| measure | value | naive LIKE '%…%' on clients (p50) | target | result |",
                "|---|---:|---:|---|---|",
                f"| Global search `find`, what people type (names, name prefixes, phones, e-mails), "
                f"p50 / p99 (ms; {self.total} queries) | {p50:.1f} / {p99:.1f} | {naive:.1f} | "
                f"≤ 100 ms | {verdict} |",
                f"| Queries that found something | {self.found} / {self.total} | — | — | info |",
            ]
        )


def measure_search(db: Database, count: int = 300, seed: int = 7) -> SearchFigures:
    """Queries built from real client names (whole surname, a prefix, surname + initial)."""
    rng = random.Random(seed)
    figures = SearchFigures()
    with db.session() as session:
        names = [row[0] for row in session.execute(_SAMPLE, {"n": count})]
        queries: list[str] = []
        for name in names:
            words = [w for w in name.replace("«", " ").replace("»", " ").split() if len(w) > 2]
            if not words:
                continue
            word = rng.choice(words)
            queries.append(rng.choice([word, word[: max(3, len(word) // 2)], " ".join(words[:2])]))
        queries += ["8 (916) 123-45-67", "+7 495 000 00 00", "info@example.ru", "7707083893"]
        for query in queries[:50]:  # warm-up
            find(session, query)
        for query in queries:
            started = time.perf_counter()
            result = find(session, query)
            figures.latencies.append(time.perf_counter() - started)
            figures.total += 1
            figures.found += 0 if result.empty else 1
            started = time.perf_counter()
            session.execute(_NAIVE, {"pattern": f"%{query.lower()}%"}).all()
            figures.naive.append(time.perf_counter() - started)
    return figures
