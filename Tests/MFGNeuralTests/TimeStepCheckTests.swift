import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

@Suite("Time-step check")
struct TimeStepCheckTests {
    static func terms(_ l: Double, _ g: Double) -> ObjectiveTerms {
        var t = ObjectiveTerms()
        t.kinetic = l; t.terminal = g
        return t
    }

    /// The measured cases: ot-d50 (2 RK4 steps: J 10.53, with 8 steps 11.58, +10 %) is flagged;
    /// crowd-motion-d2 (19.83 → 19.87, +0.2 %) is not. The tolerance is 1 % of J.
    @Test func flagsAJumpOfJ() {
        let exploited = TimeStepCheck(coarse: Self.terms(10.40, 0.13), fine: Self.terms(10.37, 1.21), steps: 2, fineSteps: 8)
        #expect(!exploited.passes)
        #expect(abs(exploited.relativeChange - (11.58 - 10.53) / 11.58) < 1e-12)
        #expect(exploited.message(scheme: "rk4").hasPrefix("warning: time-step check"))
        #expect(exploited.message(scheme: "rk4").contains("more integrator steps than 2"))
        let honest = TimeStepCheck(coarse: Self.terms(16.37 + 2.70, 0.76), fine: Self.terms(16.38 + 2.70, 0.79), steps: 4, fineSteps: 16)
        #expect(honest.passes)
        #expect(honest.message(scheme: "rk4").hasPrefix("time-step check: J = L + F + G is"))
    }

    /// What `mfg solve` does at the end: a second solver on the same problem with other steps,
    /// resumed from the run's state, evaluates the same validation samples. With the run's own
    /// number of steps it reproduces the run's terms exactly; with 4× the steps, on the tiny
    /// problem after a short training, J moves by under 1 %.
    @Test func reintegratedSolverSeesTheSameSamples() throws {
        _ = blasSingleThreaded
        let problem = try tinyProblem(iterations: 10)
        let solver = try Solver(problem: problem, threads: 1, blockSize: 32)
        try solver.train { _ in .proceed }
        let theta = solver.state.bestParameters
        let own = try solver.validationTerms(parameters: theta)
        let same = try Solver(problem: problem.integrated(with: problem.integrator), threads: 1, blockSize: 32,
                              resume: solver.state)
        #expect(try same.validationTerms(parameters: theta) == own)
        let steps = TimeStepCheck.fineSteps(for: problem.integrator.steps)
        let fine = try Solver(problem: problem.integrated(with: IntegratorSettings(scheme: .rk4, steps: steps)),
                              threads: 1, blockSize: 32, resume: solver.state)
        let check = TimeStepCheck(coarse: own, fine: try fine.validationTerms(parameters: theta),
                                  steps: problem.integrator.steps, fineSteps: steps)
        #expect(check.fine.cost != own.cost)
        #expect(check.passes, "\(check.message(scheme: "rk4"))")
    }
}
