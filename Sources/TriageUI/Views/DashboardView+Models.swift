import TriageCore

extension DashboardView {
    /// Per model version: counts, precision with its Wilson interval, recall, the decision mix
    /// around the threshold, the reliability diagram, the histograms; then version comparisons.
    static func modelLines(_ data: Dashboard, width: Int, glyphs: Glyphs, decisionOrder: [String]) -> [StyledLine] {
        var out = title(DashboardSection.models.title, width: width, glyphs: glyphs)
        if data.models.isEmpty { out.append(StyledLine("No model scores on decided cases yet", .dim)) }
        for (i, m) in data.models.enumerated() {
            if i > 0 { out.append(.blank) }
            out += modelLines(m, width: width, glyphs: glyphs, decisionOrder: decisionOrder, pending: data.labelQualityPending)
        }
        out.append(.blank)
        out += comparisonLines(data.comparisons, width: width, glyphs: glyphs)
        return out
    }

    /// The name of a model version, e.g. `risk@2.1`.
    static func versionName(_ model: String, _ version: String) -> String {
        Sanitize.line(model) + "@" + Sanitize.line(version)
    }

    /// `precision 0.75 (0.57–0.87) of 28 flagged and decided`, or that there is none yet.
    static func precisionText(_ m: ModelQuality) -> String {
        let n = m.positivesAbove + m.negativesAbove
        guard n > 0 else { return "precision – (no flagged case decided yet)" }
        return "precision " + withInterval(m.precision, m.precisionInterval) + " of \(Format.count(n)) flagged and decided"
    }

    /// `recall 0.80 from 50 audited cases`, or `no audit sample` (`computing…` while label
    /// quality is still to come).
    static func recallText(_ m: ModelQuality, pending: Bool = false) -> String {
        if pending && m.recall == nil { return "recall: computing…" }
        guard let r = m.recall, let value = r.recall else { return "recall: no audit sample" }
        return "recall " + Format.fixed(value, 2) + " from \(Format.count(r.cases)) audited cases"
    }

    static func modelLines(_ m: ModelQuality, width: Int, glyphs: Glyphs, decisionOrder: [String],
                           pending: Bool = false) -> [StyledLine] {
        var out: [StyledLine] = []
        var head = StyledLine(versionName(m.model, m.version), .label)
        head.append("  scored \(Format.count(m.scored)) · labelled \(Format.count(m.labelled))")
        out += wrap(head, width: width)
        out += wrap(StyledLine("  " + precisionText(m)), width: width, indent: 4)
        out += wrap(StyledLine("  " + recallText(m, pending: pending)), width: width, indent: 4)
        let keys = decisionKeys([m.decisionsAbove, m.decisionsBelow], order: decisionOrder)
        if !keys.isEmpty {
            let rows = keys.map { k in
                ["  " + Sanitize.line(k), Format.count(m.decisionsAbove[k] ?? 0), Format.count(m.decisionsBelow[k] ?? 0)]
            }
            out += TextTable(columns: [.init("  decision", shrinkable: true), .init("at/above threshold", alignment: .right),
                                       .init("below", alignment: .right)], rows: rows).lines(width: width)
        }
        out.append(.blank)
        var calibration = StyledLine("  Calibration", .label)
        calibration.append("  ECE " + figure(m.expectedCalibrationError, 3) + " · Brier " + figure(m.brier, 3))
        out.append(calibration)
        if !m.calibration.isEmpty {
            out += ReliabilityDiagram.lines(m.calibration, width: width - 2, glyphs: glyphs).map(indented)
        }
        if !m.histogram.isEmpty {
            out.append(.blank)
            out.append(StyledLine("  Scores by decision", .label))
            out += ScoreHistogram.lines(m.histogram, order: decisionOrder, width: width - 2, glyphs: glyphs).map(indented)
        }
        return out
    }

    /// `line` two columns to the right.
    static func indented(_ line: StyledLine) -> StyledLine {
        StyledLine([StyledLine.Span("  ")] + line.spans)
    }

    /// Versions of each model compared on the cases both scored.
    static func comparisonLines(_ comparisons: [VersionComparison], width: Int, glyphs: Glyphs) -> [StyledLine] {
        var out = [StyledLine("Version comparisons", .label)]
        guard !comparisons.isEmpty else {
            out.append(StyledLine("No model has two versions scoring the same cases", .dim))
            return out
        }
        let rows = comparisons.map { c -> [String] in
            [Sanitize.line(c.model), Sanitize.line(c.older) + arrow(glyphs) + Sanitize.line(c.newer), Format.count(c.both),
             percent(c.flagAgreement), c.meanScoreChange.map { Format.signed($0, 3) } ?? "–",
             figure(c.olderPrecision), figure(c.newerPrecision)]
        }
        out += TextTable(columns: [.init("model", shrinkable: true), .init("versions", shrinkable: true, minimumWidth: 10),
                                   .init("common", alignment: .right), .init("flag agree", alignment: .right),
                                   .init("mean Δ score", alignment: .right), .init("prec. older", alignment: .right),
                                   .init("prec. newer", alignment: .right)],
                         rows: rows).lines(width: width)
        return out
    }
}
