// Load a problem file (with one setting changed, as `mfg solve --set` does), train it, write a
// checkpoint, read it back and print the validation terms: the library's round trip.
import Foundation
import MFGNeural
import MFGProblem
import MFGStore

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3, let iterations = Int(arguments[arguments.startIndex + 1]) else {
    print("usage: use-mfg PROBLEM.yaml ITERATIONS CHECKPOINT.h5")
    exit(2)
}
let (file, output) = (arguments[arguments.startIndex], arguments[arguments.startIndex + 2])

do {
    // 1. The problem: the file's text with training.iterations replaced, validated like a file.
    let original = try Problem.load(path: file)
    let text = try ProblemOverrides.apply([try SettingOverride(parsing: "training.iterations=\(iterations)")],
                                          to: original.sourceText, file: file)
    let problem = try Problem.parse(yaml: text, file: file)

    // 2. Train, printing every logged iteration.
    let solver = try Solver(problem: problem, threads: 1)
    try solver.train { progress in
        if let v = progress.validation { print("iteration \(progress.iteration): validation J \(v.cost)") }
        return .proceed
    }

    // 3. The final validation terms of the best parameters, into a checkpoint.
    let state = solver.state
    let summary = try solver.validationTerms(parameters: state.bestParameters)
    let checkpoint = Checkpoint(problemName: problem.name, problemFile: file, problemSource: problem.sourceText,
                                precision: problem.training.precision.rawValue, seed: problem.training.seed,
                                shape: solver.shape, state: state, totalIterations: solver.totalIterations,
                                summary: summary, summarySamples: problem.training.validationSize)
    try checkpoint.write(to: output)

    // 4. Read it back, as `mfg evaluate` would.
    let read = try Checkpoint.read(from: output)
    guard read.state.bestParameters == state.bestParameters, let terms = read.summary else {
        print("the checkpoint read back differs from the one written"); exit(1)
    }
    print("\(read.problemName): J = \(terms.cost) (L \(terms.kinetic), F \(terms.interaction), G \(terms.terminal)) "
          + "after \(read.state.iteration) iterations; checkpoint \(output)")
} catch {
    print("use-mfg: \(error)")
    exit(1)
}
