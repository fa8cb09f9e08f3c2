import Foundation
import MFGMath

/// Reads densities: `{type: gaussian, ...}`, `{type: mixture, components: [...]}` and
/// `{type: product, blocks: [...]}`.
enum DensityReader {
    static let types = ["gaussian", "mixture", "product"]
    static let gaussianKeys = ["mean", "variance", "covariance", "rotation"]
    static let sampleKeys = ["file", "dataset", "bandwidth", "checksum"]

    /// `{type: samples, file: name.npy | name.csv | name.h5, dataset: /path (HDF5 only), bandwidth: h | scott,
    /// checksum: "fnv1a64:…"}`: the
    /// Gaussian KDE of the file's rows (`SampleDensity`). The file is next to the problem file
    /// (or absolute); `bandwidth` defaults to Scott's rule; `checksum`, when given, must match the
    /// file's FNV-1a 64 hash (so a checkpoint's problem refuses a changed data file).
    static func samples(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> SampleDensity {
        let fileField = try m.required("file")
        let name = try fileField.string()
        let path = name.hasPrefix("/") ? name
            : URL(fileURLWithPath: fileField.file).deletingLastPathComponent().appendingPathComponent(name).path
        // What may be read is bounded by what the problem may still hold.
        let room = min(ProblemLimits.sampleNumbers, fileField.budget.numberLimit - fileField.budget.numbers)
        let datasetField = m.optional("dataset")
        let dataset = try datasetField?.string()
        let table: SampleFileReader.Table
        do {
            table = try SampleFileReader.read(path: path, name: name, dataset: dataset, columns: d,
                                              minimumRows: ProblemLimits.minimumSamples, maximumNumbers: max(room, d))
        } catch {
            throw (error.concernsDataset ? datasetField ?? fileField : fileField).fail(.inconsistent(error.reason))
        }
        try fileField.budget.charge(numbers: table.points.count, at: fileField)
        if let cf = m.optional("checksum") {
            let stated = try cf.string()
            let hex = String(table.fingerprint, radix: 16)
            let actual = "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
            guard stated.lowercased() == actual else {
                throw cf.fail(.inconsistent("\(name) has checksum \(actual), not \(stated) (the data file changed; "
                                            + "restore it or update the checksum)"))
            }
        }
        let h: Double
        if let bf = m.optional("bandwidth"), case .scalar(let sc) = bf.node, sc.string == "scott" {
            guard let scott = SampleDensity.scottBandwidth(dimension: d, points: table.points) else {
                throw bf.fail(.inconsistent("Scott's rule needs samples that are not all equal; give a bandwidth"))
            }
            h = scott
        } else if let bf = m.optional("bandwidth") {
            h = try bf.positive()
        } else {
            guard let scott = SampleDensity.scottBandwidth(dimension: d, points: table.points) else {
                throw fileField.fail(.inconsistent("\(name): all samples are equal; Scott's rule has no spread to use, give a bandwidth"))
            }
            h = scott
        }
        return SampleDensity(dimension: d, points: table.points, bandwidth: h, fingerprint: table.fingerprint)
    }

    static func read(_ f: YAMLField, dimension d: Int, allowSamples: Bool = false) throws(ProblemError) -> Density {
        try read(f, dimension: d, allowProduct: true, allowSamples: allowSamples)
    }

    static func read(_ f: YAMLField, dimension d: Int, allowProduct: Bool, allowSamples: Bool = false) throws(ProblemError) -> Density {
        let m = try f.mapping(allowed: nil)
        let typeField = try m.required("type")
        let type = try typeField.string()
        switch type {
        case "gaussian":
            try m.only(["type"] + gaussianKeys)
            return .gaussian(try gaussian(m, dimension: d))
        case "mixture":
            try m.only(["type", "components"])
            let listField = try m.required("components")
            let items = try listField.list()
            guard !items.isEmpty else {
                throw listField.fail(.inconsistent("a mixture needs at least one component"))
            }
            var parts: [(weight: Double, component: Gaussian)] = []
            for item in items {
                let c = try item.mapping(allowed: ["weight"] + gaussianKeys)
                let w = try c.required("weight").positive()
                parts.append((w, try gaussian(c, dimension: d)))
            }
            // Weights are relative: they are normalised to sum to 1.
            let total = parts.reduce(0) { $0 + $1.weight }
            return .mixture(parts.map { (weight: $0.weight / total, component: $0.component) })
        case "product" where allowProduct:
            try m.only(["type", "blocks"])
            return .product(try product(m.required("blocks"), dimension: d, allowSamples: allowSamples))
        case "samples" where allowSamples:
            try m.only(["type"] + sampleKeys)
            return .samples(try samples(m, dimension: d))
        case "samples":
            throw typeField.fail(.inconsistent("samples is only allowed for initial_density and its product blocks "
                                               + "(a data file as ρ₀; target densities are analytic)"))
        default:
            throw typeField.fail(.unknownValue(type, allowed: allowProduct ? types + (allowSamples ? ["samples"] : [])
                                                         : ["gaussian", "mixture"]))
        }
    }

    /// `mean` and one of `variance` (diagonal; with `rotation: {seed: s}`, Σ = Q diag(variance) Qᵀ
    /// with Q the seeded random orthogonal matrix) or `covariance` (a d × d list of lists, or
    /// `{file: name.csv | name.npy}` next to the problem file).
    static func gaussian(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> Gaussian {
        let mean = try m.required("mean").vector(count: d)
        switch (m.optional("variance"), m.optional("covariance")) {
        case (nil, nil):
            throw m.missing("variance", ["variance", "covariance"])
        case (.some, .some(let c)):
            throw c.fail(.inconsistent("give either variance or covariance, not both"))
        case (let v?, nil):
            let variance = try v.variance(count: d)
            guard let r = m.optional("rotation") else { return Gaussian(mean: mean, variance: variance) }
            let seed = try r.mapping(allowed: ["seed"]).required("seed").unsigned64()
            try checkFullDimension(r, d)
            let q = try r.budget.rotation(seed: seed, dimension: d, at: r)
            try r.budget.chargeFullCovariance(dimension: d, cubes: 1, at: r)
            let sigma = SymmetricEigen.compose(vectors: q, values: variance)
            return try covariance(sigma, mean: mean, field: v, what: "")
        case (nil, let c?):
            if let r = m.optional("rotation") {
                throw r.fail(.inconsistent("only used with variance (the covariance is given in full)"))
            }
            try checkFullDimension(c, d)
            try c.budget.chargeFullCovariance(dimension: d, cubes: 1, at: c)
            if case .mapping = c.node {
                let fileField = try c.mapping(allowed: ["file"]).required("file")
                let name = try fileField.string()
                let path = name.hasPrefix("/") ? name
                    : URL(fileURLWithPath: fileField.file).deletingLastPathComponent().appendingPathComponent(name).path
                let rows: [[Double]]
                do {
                    rows = try MatrixFileReader.read(path: path, name: name, dimension: d)
                } catch {
                    throw fileField.fail(.inconsistent(error.reason))
                }
                return try covariance(Matrix(rows: d, cols: d) { rows[$0][$1] }, mean: mean, field: fileField, what: "\(name): ")
            }
            let rowFields = try c.list()
            guard rowFields.count == d else { throw c.fail(.wrongCount(got: rowFields.count, expected: d, of: "dimension")) }
            var sigma = Matrix<Double>(rows: d, cols: d)
            for (i, rf) in rowFields.enumerated() {
                let entries = try rf.list()
                guard entries.count == d else { throw rf.fail(.wrongCount(got: entries.count, expected: d, of: "dimension")) }
                for (j, e) in entries.enumerated() { sigma[i, j] = try e.number() }
            }
            return try covariance(sigma, mean: mean, field: c, what: "")
        }
    }

    /// Full covariances are read and factored as d × d matrices: refuse a d beyond the limit
    /// before allocating anything.
    static func checkFullDimension(_ f: YAMLField, _ d: Int) throws(ProblemError) {
        guard ProblemLimits.fullCovarianceDimension.contains(d) else {
            throw f.fail(.inconsistent("a full covariance needs dimension at most \(ProblemLimits.fullCovarianceDimension.upperBound) "
                                       + "(dimension is \(d)); use a diagonal variance or a product density"))
        }
    }

    /// The Gaussian N(mean, sigma), or the covariance's defect as an error on `field`.
    static func covariance(_ sigma: Matrix<Double>, mean: [Double], field: YAMLField, what: String) throws(ProblemError) -> Gaussian {
        do {
            return try Gaussian(mean: mean, covariance: sigma)
        } catch {
            throw field.fail(.inconsistent(what + error.description))
        }
    }

    /// The blocks of a product density: each `{coordinates: [i] | [i, j] | {from, to}, density}`
    /// (one density of dimension 1 or 2 for those coordinates) or `{each: <coordinates>,
    /// density}` (the same 1-D density for each coordinate). Together they must cover 1…d
    /// exactly once.
    static func product(_ f: YAMLField, dimension d: Int, allowSamples: Bool = false) throws(ProblemError) -> ProductDensity {
        let items = try f.list()
        guard !items.isEmpty else { throw f.fail(.inconsistent("a product needs at least one block")) }
        var owner = [Int?](repeating: nil, count: d)
        var factors: [ProductDensity.Factor] = []
        for (b, item) in items.enumerated() {
            let m = try item.mapping(allowed: ["coordinates", "each", "density"])
            let groups: [[Int]]
            let where_: YAMLField
            switch (m.optional("coordinates"), m.optional("each")) {
            case (nil, nil):
                throw m.missing("coordinates", ["coordinates", "each"])
            case (.some, .some(let e)):
                throw e.fail(.inconsistent("give either coordinates (one density for all of them) or each (one per coordinate), not both"))
            case (let c?, nil):
                let set = try c.coordinateSet(dimension: d)
                guard set.count <= ProductDensity.maximumFactorDimension else {
                    throw c.fail(.inconsistent("has \(set.count) coordinates (allowed: 1 or 2 per block; "
                                               + "use each: for one density per coordinate)"))
                }
                groups = [set]
                where_ = c
            case (nil, let e?):
                groups = try e.coordinateSet(dimension: d).sorted().map { [$0] }
                where_ = e
            }
            let k = groups[0].count
            let densityField = try m.required("density")
            let density = try read(densityField, dimension: k, allowProduct: false, allowSamples: allowSamples)
            // Every factor keeps its coordinates and, per component, a mean and a precision (a
            // sample density: one component per sample).
            let parts: Int
            if case .samples(let s) = density { parts = s.count } else { parts = density.components.count }
            try where_.budget.charge(numbers: groups.count * (8 + 8 * parts), at: where_)
            for g in groups {
                for c in g {
                    if let other = owner[c] {
                        throw where_.fail(.inconsistent("coordinate \(c + 1) is already covered by \(f.path)[\(other + 1)]"))
                    }
                    owner[c] = b
                }
                // The file's coordinate order is kept for the density; factors store increasing coordinates.
                factors.append(g == g.sorted() ? ProductDensity.Factor(coordinates: g, density: density)
                               : ProductDensity.Factor(coordinates: g.sorted(), density: density.marginal(on: [1, 0])))
            }
        }
        let missing = owner.indices.filter { owner[$0] == nil }
        if !missing.isEmpty {
            throw f.fail(.inconsistent(missing.count == 1 ? "coordinate \(missing[0] + 1) is not covered by any block"
                                       : "coordinates \(coordinateList(missing)) are not covered by any block"))
        }
        return ProductDensity(dimension: d, factors: factors)
    }
}
