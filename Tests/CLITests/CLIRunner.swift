import Foundation

/// Runs the built `mfg` binary (next to this test bundle's build products) and captures its
/// exit code and output. The CLI tests check what a user sees: messages, exit codes, files.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    /// The `mfg` executable of the current build configuration.
    static var binary: URL {
        // Test bundles live in .build/<config>/; the executable sits beside them.
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("mfg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/mfg")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `mfg ARGS` (or another `executable`), with single-threaded BLAS and the given
    /// extra environment variables.
    static func run(_ arguments: [String], in directory: URL? = nil, executable: URL? = nil,
                    environment extra: [String: String] = [:]) throws -> CLIRun {
        let p = Process()
        p.executableURL = executable ?? binary
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env.merge(extra) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory (each test removes its own with `defer`).
    static func tempDirectory() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfg-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A tiny problem file (trains in a second or two in a debug build).
    static func tinyProblem(closedForm: Bool, iterations: Int = 4) -> String {
        """
        name: cli-tiny
        dimension: 2
        horizon: 1
        kinetic_weight: 2
        initial_density: {type: gaussian, mean: [-1, 0], variance: 0.3}
        target_density: {type: gaussian, mean: [1, 0], variance: 1}
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        network: {width: 6, residual_layers: 1}
        integrator: {scheme: rk4, steps: 2}
        training: {optimizer: adam, iterations: \(iterations), batch_size: 64, validation_size: 64, seed: 5,
                   log_every: 2, checkpoint_every: 2}
        """ + (closedForm ? "\nclosed_form: gaussian_kl_transport\n" : "\n")
    }
}
