import MFGNeural
import MFGPlot

extension TrainingHistory {
    /// Loss terms in the order of `ObjectiveTerms.named`, with labels for the legend.
    static let plottedTerms: [(key: String, label: String)] = [
        ("total", "objective"), ("kinetic", "L kinetic"), ("interaction", "F running"),
        ("terminal", "G terminal"), ("hjb", "HJB residual"), ("terminal_hjb", "terminal HJB"),
    ]

    /// One training series (solid) per term with values, then the validation series (dashed).
    ///
    /// The axis is logarithmic, so non-positive values (e.g. a KL estimate below zero) are not
    /// drawn; `TrainingFigure` breaks the line there.
    func series() -> [TrainingSeries] {
        var out: [TrainingSeries] = []
        for (key, label) in Self.plottedTerms {
            if let v = training[key], v.contains(where: { $0 > 0 }), v.count == iterations.count {
                out.append(TrainingSeries(name: label, iterations: iterations.map(Double.init), values: v))
            }
        }
        for (key, label) in Self.plottedTerms {
            if let v = validation[key], v.contains(where: { $0 > 0 }), v.count == validationIterations.count {
                out.append(TrainingSeries(name: label, iterations: validationIterations.map(Double.init), values: v,
                                          isValidation: true))
            }
        }
        return out
    }
}
