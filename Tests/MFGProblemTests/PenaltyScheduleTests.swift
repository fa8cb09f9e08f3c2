import Testing
@testable import MFGProblem

/// `penalties.final`: weights that move from the start weights to final ones during training.
@Suite("Penalty schedule")
struct PenaltyScheduleTests {
    /// The error tests' valid base file with these penalties and training lines.
    func parse(_ penalties: String, training: String = "  iterations: 600") throws -> Problem {
        let base = ProblemErrorTests.valid
        precondition(base.contains("penalties: {hjb: 3, terminal_hjb: 3}") && base.contains("  optimizer: adam\n  iterations: 10"))
        return try Problem.parse(yaml: base.replacingOccurrences(of: "penalties: {hjb: 3, terminal_hjb: 3}", with: "penalties: \(penalties)")
                                     .replacingOccurrences(of: "  optimizer: adam\n  iterations: 10", with: training),
                                 file: "problems/x.yaml")
    }

    func message(_ penalties: String, training: String = "  iterations: 600") -> String? {
        do {
            _ = try parse(penalties, training: training)
            return nil
        } catch {
            return (error as? ProblemError)?.description ?? "not a ProblemError: \(error)"
        }
    }

    @Test func withoutFinalTheWeightsStayFixed() throws {
        let p = try parse("{hjb: 3, terminal_hjb: 2}").penalties
        #expect(p == Penalties(hjb: 3, terminalHJB: 2))
        #expect(p.final == nil)
        for k in [0, 1, 299, 599, 10_000] {
            #expect(p.weights(atIteration: k) == (3, 2))
            #expect(!p.jumps(atIteration: k))
        }
        #expect(p.finalWeights == (3, 2))
    }

    /// A step: the start weights before `from`, the final ones from `from` on, one jump.
    @Test func aStepSwitchesAtFrom() throws {
        let p = try parse("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.05, terminal_hjb: 0.1, from: 400}}").penalties
        #expect(p.final == Penalties.Schedule(hjb: 0.05, terminalHJB: 0.1, from: 400, to: 400))
        #expect(p.weights(atIteration: 0) == (1, 1))
        #expect(p.weights(atIteration: 399) == (1, 1))
        #expect(p.weights(atIteration: 400) == (0.05, 0.1))
        #expect(p.weights(atIteration: 599) == (0.05, 0.1))
        #expect(p.finalWeights == (0.05, 0.1))
        #expect((0..<600).filter { p.jumps(atIteration: $0) } == [400])
    }

    /// A ramp: linear in the iteration between `from` and `to`, no jump.
    @Test func aRampIsLinearBetweenFromAndTo() throws {
        let p = try parse("{hjb: 1, terminal_hjb: 0.5, final: {hjb: 0.2, terminal_hjb: 0.1, from: 100, to: 300}}").penalties
        #expect(p.weights(atIteration: 99) == (1, 0.5))
        #expect(p.weights(atIteration: 100) == (1, 0.5))
        let mid = p.weights(atIteration: 200)
        #expect(abs(mid.hjb - 0.6) < 1e-15 && abs(mid.terminalHJB - 0.3) < 1e-15)
        let quarter = p.weights(atIteration: 150)
        #expect(abs(quarter.hjb - 0.8) < 1e-15 && abs(quarter.terminalHJB - 0.4) < 1e-15)
        #expect(p.weights(atIteration: 300) == (0.2, 0.1))
        #expect(p.weights(atIteration: 599) == (0.2, 0.1))
        #expect((0..<600).allSatisfy { !p.jumps(atIteration: $0) })
    }

    /// The run's length includes the second stage; `to` may be the last iteration count.
    @Test func theScheduleMayEndWithTheRun() throws {
        _ = try parse("{hjb: 1, terminal_hjb: 1, final: {hjb: 0, terminal_hjb: 0, from: 500, to: 600}}")
        let p = try parse("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 650}}",
                          training: "  iterations: 600\n  stage2: {iterations: 100, batch_size: 64, learning_rate: 0.1}")
        #expect(p.penalties.final?.from == 650 && p.penalties.final?.to == 650)
    }

    @Test func errorsNameTheField() {
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1}}")
                == "problems/x.yaml: penalties.final.from: missing required field")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, from: 10}}")
                == "problems/x.yaml: penalties.final.terminal_hjb: missing required field")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: -0.1, terminal_hjb: 0.1, from: 10}}")
                == "problems/x.yaml: penalties.final.hjb: -0.1 is out of range (allowed: >= 0)")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 10, until: 20}}")
                == "problems/x.yaml: penalties.final: unknown key 'until' (allowed: hjb, terminal_hjb, from, to)")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 300, to: 200}}")
                == "problems/x.yaml: penalties.final.to: 200 is out of range (allowed: to >= from (300))")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 1.5}}")?
                    .hasPrefix("problems/x.yaml: penalties.final.from: ") == true)
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 500, to: 601}}")
                == "problems/x.yaml: penalties.final.to: 601 is out of range "
                + "(allowed: at most the run's 600 training iterations (training.iterations))")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 700}}",
                        training: "  iterations: 600\n  stage2: {iterations: 50, batch_size: 64, learning_rate: 0.1}")
                == "problems/x.yaml: penalties.final.from: 700 is out of range (allowed: at most the run's 650 "
                + "training iterations (training.iterations + training.stage2.iterations))")
        #expect(message("{hjb: 1, terminal_hjb: 1, final: 0.1}")
                == "problems/x.yaml: penalties.final: expected a mapping, got '0.1'")
    }

    /// `stage2.train`: all (default), quadratic or quadratic_and_output, the latter two only with a quadratic part.
    @Test func stageTrainsAllOrTheQuadraticPart() throws {
        let stage = "  iterations: 600\n  stage2: {iterations: 50, batch_size: 64, learning_rate: 0.1"
        #expect(try parse("{hjb: 1, terminal_hjb: 1}", training: stage + "}").training.stage2?.trains == .all)
        #expect(message("{hjb: 1, terminal_hjb: 1}", training: stage + ", train: quadratic}")
                == "problems/x.yaml: training.stage2.train: 'quadratic' trains the network's quadratic part, and this "
                + "network has none (set network.quadratic to 'diagonal' or 'full')")
        #expect(message("{hjb: 1, terminal_hjb: 1}", training: stage + ", train: quadratic_and_output}")
                == "problems/x.yaml: training.stage2.train: 'quadratic_and_output' trains the network's quadratic part, and this "
                + "network has none (set network.quadratic to 'diagonal' or 'full')")
        #expect(message("{hjb: 1, terminal_hjb: 1}", training: stage + ", train: resnet}")
                == "problems/x.yaml: training.stage2.train: unknown value 'resnet' (allowed: all, quadratic, quadratic_and_output)")
    }

    /// Penalty weights, start or final, are solver settings: the game stays the same.
    @Test func aScheduleIsTheSameGame() throws {
        let a = try parse("{hjb: 1, terminal_hjb: 1}")
        let b = try parse("{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.1, from: 400}}")
        #expect(a.penalties != b.penalties)
        #expect(a.describesSameGame(as: b))
    }
}
