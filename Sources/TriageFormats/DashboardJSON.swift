import TriageCore

/// The leads' report as JSON: `triage report --format json`. The shape is stable (field names
/// are never reused for something else; new fields may be added) and documented in the README.
/// Undefined figures (no data) are `null`, never 0. Rates are fractions in [0, 1].
public enum DashboardJSON {
    /// The schema identifier written as `schema`.
    public static let schema = "triage.report/1"

    /// `d` as one JSON object (no trailing newline).
    public static func encode(_ d: Dashboard) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema", schema)
        w.field("generated_at", d.generatedAt.iso8601)
        w.field("window_days", Int64(Dashboard.days))
        queue(d.queue, now: d.generatedAt, into: &w)
        w.key("people")
        w.beginArray()
        for p in d.people { person(p, into: &w) }
        w.endArray()
        w.key("projects")
        w.beginArray()
        for p in d.projects { project(p.project, p.report, into: &w) }
        w.endArray()
        w.key("models")
        w.beginArray()
        for m in d.models { model(m, into: &w) }
        w.endArray()
        w.key("comparisons")
        w.beginArray()
        for c in d.comparisons { comparison(c, into: &w) }
        w.endArray()
        w.endObject()
        return w.text
    }

    static func counts(_ key: String, _ map: [String: Int], into w: inout JSONWriter) {
        w.key(key)
        w.beginObject()
        for k in map.keys.sorted() { w.field(k, Int64(map[k]!)) }
        w.endObject()
    }

    static func queue(_ q: QueueHealth, now: Timestamp, into w: inout JSONWriter) {
        w.key("queue")
        w.beginObject()
        w.field("backlog", Int64(q.backlog))
        w.field("breaches", Int64(q.breaches))
        w.field("eta_days", q.etaDays)
        w.key("policies")
        w.beginArray()
        for p in q.policies {
            w.beginObject()
            w.field("policy", p.policy)
            w.field("open", Int64(p.open))
            w.field("claimed", Int64(p.claimed))
            w.field("decided", Int64(p.decided))
            w.field("escalated", Int64(p.escalated))
            w.field("sla_hours", p.slaHours)
            w.field("breaches", Int64(p.breaches))
            w.key("ages")
            w.beginObject()
            for (name, n) in zip(PolicyHealth.ageBucketNames, p.ages) { w.field(name, Int64(n)) }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key("days")
        w.beginArray()
        for (day, backlog) in zip(q.days, q.backlogTrend) {
            w.beginObject()
            w.field("day", day.day.isoDate)
            w.field("inflow", Int64(day.inflow))
            w.field("outflow", Int64(day.outflow))
            w.field("backlog", Int64(backlog))
            w.endObject()
        }
        w.endArray()
        w.key("oldest")
        w.beginArray()
        for c in q.oldest {
            w.beginObject()
            w.field("case_id", c.caseID)
            w.field("policy", c.policy)
            w.field("merchant_name", c.merchantName)
            w.field("flagged_at", c.flaggedAt.iso8601)
            w.field("age_hours", Double(now.milliseconds - c.flaggedAt.milliseconds) / 3_600_000)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func person(_ p: PersonActivity, into w: inout JSONWriter) {
        w.beginObject()
        w.field("person", p.person)
        w.field("labels", Int64(p.labels))
        w.field("undos", Int64(p.undos))
        w.field("active_hours", Int64(p.activeHours))
        w.field("labels_per_hour", p.labelsPerHour)
        w.field("median_dwell_ms", p.medianDwellMs)
        w.field("undo_rate", p.undoRate)
        counts("decisions", p.decisions, into: &w)
        w.endObject()
    }

    static func figure(_ key: String, _ f: AgreementFigure, into w: inout JSONWriter) {
        w.key(key)
        w.beginObject()
        w.field("value", f.value)
        w.field("items", Int64(f.items))
        w.endObject()
    }

    /// One project's agreement report (also what `triage agreement --format json` writes).
    public static func project(_ name: String, _ r: AgreementReport, into w: inout JSONWriter) {
        w.beginObject()
        w.field("project", name)
        w.field("cases", Int64(r.cases))
        w.field("disagreements", Int64(r.disagreements))
        w.field("to_adjudicate", Int64(r.toAdjudicate))
        w.field("adjudicated", Int64(r.adjudicated))
        w.key("areas")
        w.beginArray()
        for a in r.areas {
            w.beginObject()
            w.field("policy", a.policy)
            w.field("items", Int64(a.items))
            w.field("labelers", Int64(a.labelers))
            figure("fleiss_kappa", a.fleiss, into: &w)
            figure("krippendorff_alpha", a.krippendorff, into: &w)
            w.key("pairs")
            w.beginArray()
            for p in a.pairs {
                w.beginObject()
                w.field("a", p.raterA)
                w.field("b", p.raterB)
                figure("cohen_kappa", p.kappa, into: &w)
                w.field("observed", p.observed)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("labelers")
        w.beginArray()
        for l in r.labelers {
            w.beginObject()
            w.field("labeler", l.person)
            w.field("labels", Int64(l.labels))
            figure("kappa_vs_peers", l.peers.kappa, into: &w)
            w.field("gold_correct", Int64(l.goldCorrect))
            w.field("gold_total", Int64(l.goldTotal))
            w.field("gold_accuracy", l.goldAccuracy)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func model(_ m: ModelQuality, into w: inout JSONWriter) {
        w.beginObject()
        w.field("model", m.model)
        w.field("version", m.version)
        w.field("scored", Int64(m.scored))
        w.field("labelled", Int64(m.labelled))
        w.field("positives_above", Int64(m.positivesAbove))
        w.field("negatives_above", Int64(m.negativesAbove))
        w.field("precision", m.precision)
        w.key("precision_ci95")
        if let ci = m.precisionInterval {
            w.beginArray()
            w.number(ci.lowerBound)
            w.number(ci.upperBound)
            w.endArray()
        } else {
            w.null()
        }
        counts("decisions_above", m.decisionsAbove, into: &w)
        counts("decisions_below", m.decisionsBelow, into: &w)
        w.key("recall")
        if let r = m.recall {
            w.beginObject()
            w.field("estimate", r.recall)
            w.field("cases", Int64(r.cases))
            w.field("positive_weight", r.positiveWeight)
            w.field("flagged_positive_weight", r.flaggedPositiveWeight)
            w.endObject()
        } else {
            w.null()
        }
        w.field("brier", m.brier)
        w.field("ece", m.expectedCalibrationError)
        w.key("calibration")
        w.beginArray()
        for b in m.calibration {
            w.beginObject()
            w.field("lower", b.lower)
            w.field("upper", b.lower + 0.1)
            w.field("count", Int64(b.count))
            w.field("mean_score", b.meanScore)
            w.field("positive_rate", b.positiveRate)
            w.endObject()
        }
        w.endArray()
        w.key("histogram")
        w.beginObject()
        for k in m.histogram.keys.sorted() {
            w.key(k)
            w.beginArray()
            for n in m.histogram[k]! { w.number(Int64(n)) }
            w.endArray()
        }
        w.endObject()
        w.endObject()
    }

    static func comparison(_ c: VersionComparison, into w: inout JSONWriter) {
        w.beginObject()
        w.field("model", c.model)
        w.field("older", c.older)
        w.field("newer", c.newer)
        w.field("cases", Int64(c.both))
        w.field("flagged_by_both", Int64(c.flaggedByBoth))
        w.field("older_only", Int64(c.olderOnly))
        w.field("newer_only", Int64(c.newerOnly))
        w.field("flag_agreement", c.flagAgreement)
        w.field("mean_score_change", c.meanScoreChange)
        w.field("older_precision", c.olderPrecision)
        w.field("newer_precision", c.newerPrecision)
        w.endObject()
    }
}
