import MFGMath
import MFGNeural
import MFGProblem

/// Reads the fields of a checkpoint under the rules a damaged or hostile file must not escape:
/// every attribute that sizes something is range-checked (with the limits of problem files,
/// `ProblemLimits`), every dataset's shape is checked against what the stored network and
/// counters imply before its values are read, the whole is checked against the memory this
/// process may use, and every number read must be finite. Each refusal is a `CheckpointError`
/// naming the attribute or dataset, the value and what is allowed.
struct CheckpointFields {
    let reader: HDF5Reader
    let file: String

    /// Most bytes of the stored problem path.
    static let maximumPathBytes = 65_536

    func damaged(_ detail: String) -> CheckpointError { .corrupt(file: file, detail: detail) }

    // MARK: attributes

    /// An integer attribute in `range`.
    func integer(_ name: String, on group: String, in range: ClosedRange<Int>) throws -> Int {
        let v = try reader.int64Attribute(name, on: group)
        guard let i = Int(exactly: v), range.contains(i) else {
            throw damaged("attribute '\(name)' on '\(group)' is \(v) (allowed: \(range.lowerBound)...\(range.upperBound))")
        }
        return i
    }

    /// A finite floating-point attribute (`+∞` too when `infinityAllowed`), at least `minimum`.
    func number(_ name: String, on group: String, minimum: Double = -.infinity, infinityAllowed: Bool = false) throws -> Double {
        let v = try reader.doubleAttribute(name, on: group)
        guard (v.isFinite || (infinityAllowed && v == .infinity)), v >= minimum else {
            let allowed = (minimum > -.infinity ? "finite, at least \(minimum)" : "finite") + (infinityAllowed ? " or inf" : "")
            throw damaged("attribute '\(name)' on '\(group)' is \(v) (allowed: \(allowed))")
        }
        return v
    }

    /// A string attribute that must be one of `allowed`.
    func keyword(_ name: String, on group: String = "/", _ allowed: [String]) throws -> String {
        let v = try reader.stringAttribute(name, on: group)
        guard allowed.contains(v) else {
            throw damaged("attribute '\(name)' on '\(group)' is '\(v)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        return v
    }

    // MARK: the network

    /// The network attributes and their ranges (a new attribute of the shape adds a row).
    static let networkSizes: [(name: String, range: ClosedRange<Int>)] = [
        ("dimension", ProblemLimits.dimension),
        ("width", ProblemLimits.width),
        ("residual_layers", ProblemLimits.residualLayers),
    ]

    /// The stored network shape, each attribute within the limits a problem file has. Files
    /// written before the optional parts existed have no `quadratic`, `time_degree`,
    /// `separable_width`, `time_scale` attributes: they hold the network without those parts
    /// (time scale 1, unused then).
    func networkShape() throws -> NetworkShape {
        var sizes: [String: Int] = [:]
        for (name, range) in Self.networkSizes { sizes[name] = try integer(name, on: "network", in: range) }
        let d = sizes["dimension"]!
        let rank = try integer("rank", on: "network", in: 1...(d + 1))
        let step = try number("step", on: "network", minimum: ProblemLimits.smallestPositive)
        func optional(_ name: String, in range: ClosedRange<Int>, legacy: Int) throws -> Int {
            reader.hasAttribute(name, on: "network") ? try integer(name, on: "network", in: range) : legacy
        }
        let quadratic = reader.hasAttribute("quadratic", on: "network")
            ? QuadraticStructure(rawValue: try keyword("quadratic", on: "network", QuadraticStructure.allCases.map(\.rawValue)))!
            : .none
        let degree = try optional("time_degree", in: NetworkSettings.timeDegreeRange, legacy: NetworkSettings.defaultTimeDegree)
        if quadratic == .full, !NetworkSettings.fullQuadraticFits(dimension: d, timeDegree: degree) {
            throw damaged("a full quadratic of dimension \(d) and time degree \(degree) needs more than "
                          + "\(NetworkSettings.fullQuadraticValueLimit) values (the limit of problem files)")
        }
        let timeTerm = reader.hasAttribute("time_term", on: "network")
            ? TimeTerm(rawValue: try keyword("time_term", on: "network", [TimeTerm.polynomial.rawValue])) == .polynomial
            : false
        // Only written for time-scaled units and splines: files without it hold fixed units.
        let separableForm = reader.hasAttribute("separable_form", on: "network")
            ? SeparableForm(rawValue: try keyword("separable_form", on: "network",
                                                  [SeparableForm.timeScaled.rawValue, SeparableForm.spline.rawValue]))!
            : .fixed
        var splineRange = NetworkSettings.defaultSplineRange
        if separableForm == .spline {
            let low = try number("spline_low", on: "network")
            let high = try number("spline_high", on: "network")
            guard low < high else { throw damaged("network spline_low \(low) is not below spline_high \(high)") }
            splineRange = low...high
        }
        let timeScale = reader.hasAttribute("time_scale", on: "network")
            ? try number("time_scale", on: "network", minimum: ProblemLimits.smallestPositive) : 1
        do {
            return try NetworkShape(dimension: d, width: sizes["width"]!, residualLayers: sizes["residual_layers"]!,
                                    rank: rank, step: step, quadratic: quadratic, timeDegree: degree,
                                    separableWidth: try optional("separable_width", in: NetworkSettings.separableWidthRange,
                                                                 legacy: 0),
                                    timeTerm: timeTerm, timeScale: timeScale, separableForm: separableForm,
                                    splineRange: splineRange)
        } catch let e as NetworkError { throw damaged(e.description) }
    }

    // MARK: datasets

    /// A float dataset of exactly `shape` whose values are all finite.
    func finite(_ path: String, shape: [Int]) throws -> [Double] {
        let values: [Double] = try reader.read(path, shape: shape)
        try requireFinite(values, shape: shape, path)
        return values
    }

    /// A 1-D float dataset of `count` finite values.
    func finite(_ path: String, count: Int) throws -> [Double] { try finite(path, shape: [count]) }

    /// Refuses the first value that is NaN or ±∞, with its position (counting from 1).
    func requireFinite(_ values: [Double], shape: [Int], _ path: String) throws {
        guard let i = values.firstIndex(where: { !$0.isFinite }) else { return }
        throw damaged("'\(path)' holds \(values[i])" + (shape.isEmpty ? "" : " at \(Self.position(i, in: shape))")
                      + " (allowed: finite numbers)")
    }

    /// "[3, 2]": the 1-based position of flat (row-major) index `i` in `shape`.
    static func position(_ i: Int, in shape: [Int]) -> String {
        var rest = i, out: [Int] = []
        for n in shape.reversed() {
            out.append(rest % max(n, 1) + 1)
            rest /= max(n, 1)
        }
        return "[" + out.reversed().map(String.init).joined(separator: ", ") + "]"
    }

    /// The first dimension of a 1-D dataset, at most `maximum` (`why` says what bounds it).
    func length(_ path: String, maximum: Int, _ why: String) throws -> Int {
        let shape = try reader.shape(of: path)
        guard shape.count == 1 else { throw damaged("'\(path)' has shape \(shape) (expected one dimension)") }
        guard shape[0] <= maximum else { throw damaged("'\(path)' has \(shape[0]) entries (allowed: at most \(maximum), \(why))") }
        return shape[0]
    }

    /// Refuses a checkpoint whose datasets would need more than half the memory this process may use.
    func requireMemory(_ bytes: Double) throws {
        let limit = MemoryLimit.current
        guard bytes <= limit.bytes / 2 else {
            throw CheckpointError.tooLarge(file: file, detail: "reading it needs about \(MemoryLimit.format(bytes)), more than "
                + "half the \(MemoryLimit.format(limit.bytes)) this process may use (\(limit.source))")
        }
    }
}
