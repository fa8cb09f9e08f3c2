import Yams

/// Compares two problem texts by their YAML content, so that a resume can tell "the same problem
/// with another `training.iterations`" from another problem.
public enum ProblemTextComparison {
    /// Whether `a` and `b` compose to the same YAML tree once `training.iterations` is removed from
    /// both: comments, layout and flow or block style do not count, keys and values (with their
    /// resolved types) and the order of keys do. False when either text is not composable or is
    /// beyond the reader's limits (`ProblemLimits`).
    public static func sameApartFromIterations(_ a: String, _ b: String) -> Bool {
        guard let x = treeWithoutIterations(a), let y = treeWithoutIterations(b) else { return false }
        return x == y
    }

    private static func treeWithoutIterations(_ text: String) -> Node? {
        guard text.utf8.count <= ProblemLimits.fileBytes else { return nil }
        let body = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        do throws(ProblemError) { try YAMLStructure.check(body, file: "") } catch { return nil }
        guard case .mapping(var top)? = try? Yams.compose(yaml: body) else { return nil }
        if case .mapping(var training)? = top["training"] {
            training["iterations"] = nil
            top["training"] = .mapping(training)
        }
        return .mapping(top)
    }
}
