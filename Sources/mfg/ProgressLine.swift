import MFGNeural

/// One line of training progress as fields, most important first: the iteration, the training
/// objective J, the last validation J, the time left, then L, F, G, the two HJB residuals and the
/// speed. On a terminal the fields that do not fit its width are left out (`text(width:)`), so a
/// redraw never wraps onto a new line.
struct ProgressLine {
    let fields: [String]

    /// The fields for `p`; `validation` is the last validation objective seen (kept on the
    /// terminal line between the logged iterations that evaluate it).
    init(_ p: TrainingProgress, validation: Double?) {
        let t = p.training
        var f = ["it \(p.iteration)/\(p.totalIterations)" + (p.stage == 2 ? " stage 2" : ""),
                 "J \(t.total.short)"]
        if let validation { f.append("val J \(validation.short)") }
        f += ["left \(duration(p.secondsLeft))",
              "L \(t.kinetic.short)", "F \(t.interaction.short)", "G \(t.terminal.short)",
              "HJB \(t.hjb.short)", "tHJB \(t.terminalHJB.short)",
              "\(p.iterationsPerSecond.short) it/s"]
        fields = f
    }

    static let separator = "  "

    /// The fields joined, leaving out from the end those that would take it beyond `width`
    /// characters (nil: all). The first field is always kept.
    func text(width: Int? = nil) -> String {
        var line = fields[0]
        for field in fields.dropFirst() {
            let longer = line + Self.separator + field
            if let width, longer.count > width { break }
            line = longer
        }
        return line
    }
}
