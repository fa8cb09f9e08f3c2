import MFGNeural

/// The text of `metrics.csv`: a run's training history as a table that numpy and pandas load
/// as is (`pandas.read_csv`, `numpy.genfromtxt(..., delimiter=",", names=True)`).
///
/// One row per logged iteration (`training.log_every`; the iterations at which the validation
/// set was evaluated), in order. Columns: `iteration`, `seconds` (wall seconds of training so
/// far), the training terms of that iteration by name (`total`, `kinetic`, `interaction`,
/// `terminal`, `hjb`, `terminal_hjb`: `ObjectiveTerms.named`; then every cost term by name,
/// `running_<term>` and `terminal_<term>`, e.g. `running_obstacle`, `running_entropy`,
/// `terminal_kl`, weights included), then the validation terms under
/// the same names prefixed `validation_`. Numbers are plain decimals or exponent notation that
/// read back to the same Double; a value the history lacks is an empty cell (NaN in pandas).
public enum RunMetrics {
    /// The table for `history`: a header row and one row per validation record.
    public static func csv(_ history: TrainingHistory) -> String {
        let training = columns(history.training.keys)
        let validation = columns(history.validation.keys)
        var text = (["iteration", "seconds"] + training + validation.map { "validation_" + $0 })
            .joined(separator: ",") + "\n"
        var record: [Int: Int] = [:]
        for (i, iteration) in history.iterations.enumerated() { record[iteration] = i }
        for (v, iteration) in history.validationIterations.enumerated() {
            let t = record[iteration]
            var cells = [String(iteration), cell(history.seconds, t)]
            cells += training.map { cell(history.training[$0] ?? [], t) }
            cells += validation.map { cell(history.validation[$0] ?? [], v) }
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The term names in `ObjectiveTerms.named` order, then the others (the per-term series) sorted.
    static func columns(_ names: Dictionary<String, [Double]>.Keys) -> [String] {
        let known = ObjectiveTerms().named.map(\.0)
        return known.filter(names.contains) + names.filter { !known.contains($0) }.sorted()
    }

    /// `values[index]` written so that it reads back exactly (Swift's shortest round-trip form:
    /// `0.1`, `1e-05`, `-3.5e+20`), or "" when there is no such value.
    static func cell(_ values: [Double], _ index: Int?) -> String {
        guard let index, values.indices.contains(index) else { return "" }
        return "\(values[index])"
    }
}
