import Testing
import MFGMath
@testable import MFGNeural

@Suite("Bad input to the network gives thrown errors, never a trap")
struct NetworkInputErrorTests {
    @Test func wrongPointDimension() {
        let net = randomNetwork(Double.self, d: 3, m: 4, layers: 1, seed: 1)
        let pts = randomPoints(Double.self, d: 5, n: 2, seed: 2)
        #expect(throws: NetworkError.batchMismatch(expected: "points with 4 rows (d = 3 plus time)", got: "6 rows")) {
            try net.evaluate(pts)
        }
    }
    @Test func emptyBatch() {
        let net = randomNetwork(Double.self, d: 3, m: 4, layers: 1, seed: 1)
        #expect(throws: NetworkError.emptyBatch) { try net.evaluate(Matrix(rows: 4, cols: 0)) }
    }
    @Test func wrongParameterCount() throws {
        let shape = try NetworkShape(dimension: 2, width: 3, residualLayers: 1)
        #expect(throws: NetworkError.self) { try PotentialNetwork<Double>(shape: shape, parameters: [1, 2, 3]) }
    }
    @Test func namedParametersRoundTripAndMismatch() throws {
        let net = randomNetwork(Double.self, d: 3, m: 4, layers: 2, seed: 7)
        var named: [String: [Double]] = [:]
        for (block, values) in net.namedParameters() { named[block.name] = values }
        let rebuilt = try PotentialNetwork<Double>(shape: net.shape, named: named)
        #expect(rebuilt.parameters == net.parameters)
        var bad = named; bad["K1"] = [1, 2]
        #expect(throws: NetworkError.parameterMismatch(name: "K1", expected: "4×4", got: "2 values")) {
            try PotentialNetwork<Double>(shape: net.shape, named: bad)
        }
        var missing = named; missing["w"] = nil
        #expect(throws: NetworkError.missingParameter("w")) { try PotentialNetwork<Double>(shape: net.shape, named: missing) }
        var extra = named; extra["K9"] = [0]
        #expect(throws: NetworkError.unknownParameter("K9")) { try PotentialNetwork<Double>(shape: net.shape, named: extra) }
    }
    @Test func invalidShapes() {
        #expect(throws: NetworkError.self) { try NetworkShape(dimension: 0, width: 4, residualLayers: 1) }
        #expect(throws: NetworkError.self) { try NetworkShape(dimension: 2, width: 4, residualLayers: 1, rank: 4) }
    }
    @Test func invalidOptionalParts() {
        #expect(throws: NetworkError.invalidShape("time degree must be in 0...4, got 5")) {
            try NetworkShape(dimension: 2, width: 4, residualLayers: 1, quadratic: .full, timeDegree: 5)
        }
        #expect(throws: NetworkError.invalidShape("separable width must be in 0...64, got -1")) {
            try NetworkShape(dimension: 2, width: 4, residualLayers: 1, separableWidth: -1)
        }
        #expect(throws: NetworkError.invalidShape("time scale must be positive and finite, got 0.0")) {
            try NetworkShape(dimension: 2, width: 4, residualLayers: 1, timeScale: 0)
        }
        #expect(throws: NetworkError.invalidShape("a full quadratic needs d²(p + 1) = 600²·1 values, more than the limit 262144")) {
            try NetworkShape(dimension: 600, width: 4, residualLayers: 1, quadratic: .full, timeDegree: 0)
        }
        #expect(throws: Never.self) {
            try NetworkShape(dimension: 600, width: 4, residualLayers: 1, quadratic: .diagonal, timeDegree: 0)
        }
    }
}
