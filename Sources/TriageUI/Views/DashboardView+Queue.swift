import TriageCore

extension DashboardView {
    /// The ETA sentence: `clears in ~3.2 days at the current rate`, `not clearing at the current
    /// rate`, or `no backlog`.
    static func etaText(_ queue: QueueHealth) -> String {
        guard let eta = queue.etaDays else { return "not clearing at the current rate" }
        if queue.backlog == 0 { return "no backlog" }
        return "clears in ~" + Format.fixed(eta, 1) + (eta == 1 ? " day" : " days") + " at the current rate"
    }

    /// Queue health: the backlog and ETA, the table per policy area, the flow sparklines, the
    /// oldest open cases.
    static func queueLines(_ data: Dashboard, width: Int, glyphs: Glyphs) -> [StyledLine] {
        let q = data.queue
        var out = title(DashboardSection.queue.title, width: width, glyphs: glyphs)
        var summary = StyledLine("Backlog ", .label)
        summary.append(Format.count(q.backlog) + " open · ")
        summary.append(Format.count(q.breaches) + " past their SLA", q.breaches > 0 ? .aboveThreshold : .normal)
        summary.append(" · " + etaText(q))
        out += wrap(summary, width: width)
        out.append(.blank)
        out += policyTable(q, width: width)
        out.append(.blank)
        out += flowLines(q, width: width, glyphs: glyphs)
        out.append(.blank)
        out.append(StyledLine("Oldest open cases", .label))
        if q.oldest.isEmpty {
            out.append(StyledLine("No open cases", .dim))
        } else {
            let rows = q.oldest.map { c in
                [Sanitize.line(c.caseID), Sanitize.line(c.policy), Sanitize.line(c.merchantName),
                 Format.age(since: c.flaggedAt, now: data.generatedAt)]
            }
            out += TextTable(columns: [.init("case", shrinkable: true, minimumWidth: 10), .init("policy", shrinkable: true),
                                       .init("merchant", shrinkable: true, minimumWidth: 8), .init("age", alignment: .right)],
                             rows: rows).lines(width: width)
        }
        return out
    }

    /// The table per policy area, with a total row.
    static func policyTable(_ q: QueueHealth, width: Int) -> [StyledLine] {
        guard !q.policies.isEmpty else { return [StyledLine("No policy areas", .dim)] }
        let buckets = PolicyHealth.ageBucketNames
        var columns: [TextTable.Column] = [.init("policy", shrinkable: true)]
        for t in ["open", "claimed", "decided", "escal.", "SLA h", "breach"] { columns.append(.init(t, alignment: .right)) }
        for b in buckets { columns.append(.init(b, alignment: .right)) }
        func row(_ name: String, _ p: PolicyHealth) -> [String] {
            [name, Format.count(p.open), Format.count(p.claimed), Format.count(p.decided), Format.count(p.escalated),
             Format.value(.number(p.slaHours)), Format.count(p.breaches)]
                + buckets.indices.map { $0 < p.ages.count ? Format.count(p.ages[$0]) : "0" }
        }
        var rows = q.policies.map { row(Sanitize.line($0.policy), $0) }
        var total = PolicyHealth(policy: "total", open: 0, claimed: 0, decided: 0, escalated: 0, slaHours: 0, breaches: 0,
                                 ages: Array(repeating: 0, count: buckets.count))
        for p in q.policies {
            total.open += p.open; total.claimed += p.claimed; total.decided += p.decided
            total.escalated += p.escalated; total.breaches += p.breaches
            for i in p.ages.indices where i < total.ages.count { total.ages[i] += p.ages[i] }
        }
        var totalRow = row("total", total)
        totalRow[5] = ""
        rows.append(totalRow)
        let roles = Array(repeating: StyleRole.normal, count: q.policies.count) + [.label]
        return TextTable(columns: columns, rows: rows, gap: width < 100 ? 1 : 2, rowRoles: roles).lines(width: width)
    }

    /// Inflow, outflow and backlog over the window, as sparklines with their numbers.
    static func flowLines(_ q: QueueHealth, width: Int, glyphs: Glyphs) -> [StyledLine] {
        guard !q.days.isEmpty else { return [StyledLine("No flow figures", .dim)] }
        var out: [StyledLine] = []
        var head = StyledLine("Last \(q.days.count) days", .label)
        head.append(", oldest first: " + Format.day(q.days[0].day) + " … today", .dim)
        out += wrap(head, width: width)
        let per = width >= 120 ? 3 : 2
        let inflow = q.days.map(\.inflow), outflow = q.days.map(\.outflow), trend = q.backlogTrend
        let n = q.days.count
        let rows: [(String, [Int], String)] = [
            ("Inflow", inflow, "today \(Format.count(inflow.last ?? 0)) · \(n) days \(Format.count(inflow.reduce(0, +)))"),
            ("Outflow", outflow, "today \(Format.count(outflow.last ?? 0)) · \(n) days \(Format.count(outflow.reduce(0, +)))"),
            ("Backlog", trend, "now \(Format.count(trend.last ?? 0)) · \(n) days ago \(Format.count(trend.first ?? 0))"),
        ]
        // Inflow and outflow on one scale, so the pair compares.
        let flowTop = max(inflow.max() ?? 0, outflow.max() ?? 0)
        for (k, (label, values, trailer)) in rows.enumerated() {
            let lw = 8
            let chart = Sparkline.text(values, width: max(1, width - lw - 1), cellsPerValue: per,
                                       scaleMax: k < 2 ? flowTop : nil, glyphs: glyphs)
            var line = StyledLine(label.padded(toWidth: lw), .label)
            line.append(chart, .chartBar)
            if line.width + 2 + trailer.displayWidth <= width {
                line.append("  " + trailer)
                out.append(line)
            } else {
                out.append(line)
                out += wrap(StyledLine(String(repeating: " ", count: lw) + trailer), width: width, indent: lw)
            }
        }
        return out
    }
}
