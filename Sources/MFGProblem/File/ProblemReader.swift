/// Walks a problem file's YAML tree section by section, validating as it goes.
///
/// The reading order matters for messages: the dimension is read first so vector lengths can
/// be checked against it, and cross-field rules (KL needs a target, a declared closed form
/// must apply) run after every field is valid on its own.
struct ProblemReader {
    let file: String
    let source: String

    static let topKeys = ["name", "description", "dimension", "horizon", "kinetic_weight",
                          "initial_density", "target_density", "running_cost", "terminal_cost",
                          "penalties", "network", "integrator", "training", "reference", "closed_form"]

    func read(_ root: YAMLField) throws(ProblemError) -> Problem {
        let top = try root.mapping(allowed: Self.topKeys)
        let name = try top.optional("name")?.string() ?? Self.defaultName(file)
        let summary = try top.optional("description")?.string() ?? ""
        let d = try top.required("dimension").integer(minimum: 1)
        let horizon = try top.required("horizon").positive()
        let kinetic = try top.required("kinetic_weight").positive()
        let rho0 = try DensityReader.read(top.required("initial_density"), dimension: d)
        let rho1 = try top.optional("target_density").map { f throws(ProblemError) in try DensityReader.read(f, dimension: d) }

        var obstacle: Bump? = nil
        var obstacleWeight = 0.0
        var entropyWeight = 0.0
        if let rc = top.optional("running_cost") {
            let m = try rc.mapping(allowed: ["obstacle", "entropy"])
            if let ob = m.optional("obstacle") {
                let om = try ob.mapping(allowed: ["weight"] + BumpReader.keys)
                obstacleWeight = try om.required("weight").nonNegative()
                obstacle = try BumpReader.read(om, dimension: d)
            }
            if let en = m.optional("entropy") {
                let em = try en.mapping(allowed: ["weight"])
                entropyWeight = try em.required("weight").nonNegative()
            }
        }

        let terminalField = try top.required("terminal_cost")
        let terminal = try Self.terminal(terminalField, dimension: d)
        let penalties = try Self.penalties(top.required("penalties"))
        let network = try SettingsReader.network(top.optional("network"), dimension: d)
        let integrator = try SettingsReader.integrator(top.optional("integrator"))
        let training = try SettingsReader.training(top.optional("training"))
        let reference = try top.optional("reference").map { f throws(ProblemError) in try SettingsReader.reference(f, dimension: d) }
        let closedForm = try top.optional("closed_form")?.keyword(ClosedFormKind.self)

        // Cross-field rules.
        if case .kl = terminal, rho1 == nil {
            throw top.missing("target_density").withMessage("required by terminal_cost type kl")
        }
        if let t = top.optional("target_density"), case .preference = terminal {
            throw t.fail(.inconsistent("only used by terminal_cost type kl (this terminal cost is a preference)"))
        }

        let problem = Problem(
            name: name, summary: summary, file: file, sourceText: source, dimension: d, horizon: horizon,
            kineticWeight: kinetic, initialDensity: rho0, targetDensity: rho1,
            obstacle: obstacle, obstacleWeight: obstacleWeight, entropyWeight: entropyWeight,
            terminal: terminal, penalties: penalties, network: network, integrator: integrator,
            training: training, reference: reference, closedForm: closedForm)

        if let kind = closedForm, let reason = ClosedFormCheck.whyNot(kind, problem) {
            throw top.optional("closed_form")!.fail(.inconsistent("\(kind.rawValue) does not apply: \(reason)"))
        }
        return problem
    }

    /// "problems/ot-d2.yaml" → "ot-d2".
    static func defaultName(_ file: String) -> String {
        var base = file.split(separator: "/").last.map(String.init) ?? file
        for ext in [".yaml", ".yml"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        return base
    }

    static func terminal(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> TerminalCost {
        let m = try f.mapping(allowed: nil)
        let types = ["kl", "preference"]
        let type = try m.required("type").string()
        switch type {
        case "kl":
            try m.only(["type", "weight"])
            return .kl(weight: try m.required("weight").nonNegative())
        case "preference":
            try m.only(["type", "weight", "g"])
            let weight = try m.required("weight").nonNegative()
            return .preference(weight: weight, g: try preference(m.required("g"), dimension: d))
        default:
            throw try m.required("type").fail(.unknownValue(type, allowed: types))
        }
    }

    static func preference(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> Preference {
        let m = try f.mapping(allowed: nil)
        let type = try m.required("type").string()
        switch type {
        case "quadratic":
            try m.only(["type", "center", "scale"])
            let center = try m.required("center").vector(count: d)
            let scale = try m.optional("scale")?.number() ?? 1
            return .quadratic(center: center, scale: scale)
        case "bump":
            try m.only(["type"] + BumpReader.keys)
            return .bump(try BumpReader.read(m, dimension: d))
        default:
            throw try m.required("type").fail(.unknownValue(type, allowed: ["quadratic", "bump"]))
        }
    }

    static func penalties(_ f: YAMLField) throws(ProblemError) -> Penalties {
        let m = try f.mapping(allowed: ["hjb", "terminal_hjb"])
        return Penalties(hjb: try m.required("hjb").nonNegative(),
                         terminalHJB: try m.required("terminal_hjb").nonNegative())
    }
}

extension ProblemError {
    /// The same error with an explanatory message instead of its kind's default text.
    func withMessage(_ message: String) -> ProblemError {
        ProblemError(file: file, field: field, kind: .inconsistent(message), line: line, column: column)
    }
}
