"""The one table of figures, with PASS / FAIL against the targets of the issue."""

from __future__ import annotations

from dataclasses import dataclass

from bench.measure import IntakeFigures, LookupFigures, ReportFigures, percentile

# Targets (SQLite, 1M leads, the 2-core machine).
BATCHED_MIN_RATE = 2_000.0
SINGLE_MAX_P50_MS = 2.0
MAX_SLOWDOWN = 1.5
LOOKUP_MAX_P50_MS = 0.5
LOOKUP_MAX_P99_MS = 2.0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    measure: str
    empty: str
    full: str
    baseline: str
    ratio: str
    target: str
    verdict: str


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


@dataclass
class Results:
    """Everything measured at the empty database and at N leads."""

    n_leads: int
    intake_empty: IntakeFigures
    intake_full: IntakeFigures
    lookup_empty: LookupFigures
    lookup_full: LookupFigures
    report_empty: ReportFigures
    report_full: ReportFigures

    def rows(self) -> list[Row]:
        """The table, top to bottom."""
        e, f = self.intake_empty, self.intake_full
        le, lf = self.lookup_empty, self.lookup_full
        n = f"{self.n_leads:,}"
        rows: list[Row] = []

        rows.append(Row(
            "Intake, batched: `register_leads`, 500 per unit of work (leads/s)",
            _rate(e.batched_rate), _rate(f.batched_rate),
            f"{_rate(e.raw_batched_rate)} / {_rate(f.raw_batched_rate)}",
            f"{f.batched_rate / f.raw_batched_rate:.2f}× of raw",
            f"≥ {BATCHED_MIN_RATE:,.0f} at {n}", _verdict(f.batched_rate >= BATCHED_MIN_RATE),
        ))
        rows.append(Row(
            "Intake, one lead per unit of work: `register_lead` (leads/s)",
            _rate(e.single_rate), _rate(f.single_rate),
            f"{_rate(e.raw_single_rate)} / {_rate(f.raw_single_rate)}",
            f"{f.single_rate / f.raw_single_rate:.2f}× of raw", "—", "info",
        ))
        p50e, p50f = percentile(e.single_latencies, 0.5), percentile(f.single_latencies, 0.5)
        raw50e, raw50f = percentile(e.raw_single_latencies, 0.5), percentile(f.raw_single_latencies, 0.5)
        rows.append(Row(
            "Single-lead intake latency p50 (ms)", _ms(p50e), _ms(p50f),
            f"{_ms(raw50e)} / {_ms(raw50f)}", f"{p50f / raw50f:.1f}× raw",
            f"≤ {SINGLE_MAX_P50_MS:g} ms at {n}", _verdict(p50f * 1000 <= SINGLE_MAX_P50_MS),
        ))
        p99e, p99f = percentile(e.single_latencies, 0.99), percentile(f.single_latencies, 0.99)
        raw99e, raw99f = percentile(e.raw_single_latencies, 0.99), percentile(f.raw_single_latencies, 0.99)
        rows.append(Row(
            "Single-lead intake latency p99 (ms)", _ms(p99e), _ms(p99f),
            f"{_ms(raw99e)} / {_ms(raw99f)}", f"{p99f / raw99f:.1f}× raw", "—", "info",
        ))
        slow_batched = e.batched_rate / f.batched_rate
        raw_slow_batched = e.raw_batched_rate / f.raw_batched_rate
        rows.append(Row(
            f"Slowdown empty → {n}: batched throughput", "1.00×", f"{slow_batched:.2f}×",
            f"raw: {raw_slow_batched:.2f}×", "—", f"≤ {MAX_SLOWDOWN:g}×",
            _verdict(slow_batched <= MAX_SLOWDOWN),
        ))
        slow_single = p50f / p50e
        rows.append(Row(
            f"Slowdown empty → {n}: single-lead p50 latency", "1.00×", f"{slow_single:.2f}×",
            f"raw: {raw50f / raw50e:.2f}×", "—", f"≤ {MAX_SLOWDOWN:g}×",
            _verdict(slow_single <= MAX_SLOWDOWN),
        ))
        lp50e, lp50f = percentile(le.latencies, 0.5), percentile(lf.latencies, 0.5)
        lraw50e, lraw50f = percentile(le.raw_latencies, 0.5), percentile(lf.raw_latencies, 0.5)
        rows.append(Row(
            f"Phone lookup `match_phone`, number written differently, p50 (ms; {lf.total:,} contacts)",
            _ms(lp50e), _ms(lp50f), f"{_ms(lraw50e)} / {_ms(lraw50f)}", f"{lp50f / lraw50f:.1f}× raw",
            f"≤ {LOOKUP_MAX_P50_MS:g} ms", _verdict(lp50f * 1000 <= LOOKUP_MAX_P50_MS),
        ))
        lp99e, lp99f = percentile(le.latencies, 0.99), percentile(lf.latencies, 0.99)
        lraw99e, lraw99f = percentile(le.raw_latencies, 0.99), percentile(lf.raw_latencies, 0.99)
        rows.append(Row(
            "Phone lookup p99 (ms)", _ms(lp99e), _ms(lp99f), f"{_ms(lraw99e)} / {_ms(lraw99f)}",
            f"{lp99f / lraw99f:.1f}× raw", f"≤ {LOOKUP_MAX_P99_MS:g} ms",
            _verdict(lp99f * 1000 <= LOOKUP_MAX_P99_MS),
        ))
        rows.append(Row(
            "Phone lookup hit rate (right client first / total)",
            f"{le.hits / le.total:.2%}", f"{lf.hits / lf.total:.2%}",
            f"{le.raw_hits / le.total:.2%} / {lf.raw_hits / lf.total:.2%}", "—", "100%",
            _verdict(le.hits == le.total and lf.hits == lf.total),
        ))
        te, tf = e.tally, f.tally
        rows.append(Row(
            "Missed repeats (known contact, but not repeat or wrong client) / repeats expected",
            f"{te.missed_repeats} / {te.expected_repeats:,}",
            f"{tf.missed_repeats} / {tf.expected_repeats:,}",
            "—", "—", "0", _verdict(te.missed_repeats == 0 and tf.missed_repeats == 0),
        ))
        rows.append(Row(
            "False merges (unknown contact marked repeat or given a client) / new expected",
            f"{te.false_merges} / {te.expected_new:,}", f"{tf.false_merges} / {tf.expected_new:,}",
            "—", "—", "0", _verdict(te.false_merges == 0 and tf.false_merges == 0),
        ))
        rows.append(Row(
            "Normalization mismatches (stored phone / e-mail ≠ truth) / leads checked",
            f"{te.wrong_normalization} / {te.checked:,}", f"{tf.wrong_normalization} / {tf.checked:,}",
            "—", "—", "0", _verdict(te.wrong_normalization == 0 and tf.wrong_normalization == 0
                                    and te.not_created == 0 and tf.not_created == 0),
        ))
        rows.append(Row(
            "Report \"leads by state × channel kind, last year\" (ms, median of 5)",
            f"{self.report_empty.median_ms:.1f}", f"{self.report_full.median_ms:.1f}",
            "—", "—", "—", "info",
        ))
        return rows

    def markdown(self) -> str:
        """The table in Markdown."""
        header = (
            f"| measure | empty DB | {self.n_leads:,} leads | raw SQL baseline (empty / {self.n_leads:,}) "
            "| service vs baseline | target | result |"
        )
        lines = [header, "|---|---:|---:|---:|---:|---|---|"]
        for row in self.rows():
            lines.append(
                f"| {row.measure} | {row.empty} | {row.full} | {row.baseline} | {row.ratio} "
                f"| {row.target} | {row.verdict} |"
            )
        return "\n".join(lines)

    def failed(self) -> list[str]:
        """The measures that missed their target."""
        return [row.measure for row in self.rows() if row.verdict != "PASS" and row.verdict != "info"]
