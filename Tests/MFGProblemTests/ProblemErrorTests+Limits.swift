import Foundation
import Testing
import Yams
@testable import MFGProblem

/// What a hostile or careless file meets before anything it describes is built: size limits,
/// strict numbers, YAML nesting and node limits, the read budget, and files that are not files.
/// Exact one-line messages; nothing here allocates what it refuses.
extension ProblemErrorTests {
    /// Every size that sizes a buffer has a range, refused with the field, the value and the range
    /// (a value beyond 64 bits too).
    @Test func sizesOutOfRange() {
        #expect(message(replacing("dimension: 2", "dimension: 1000000000"))
                == "problems/x.yaml: dimension: 1000000000 is out of range (allowed: 1...100000)")
        #expect(message(replacing("dimension: 2", "dimension: 9223372036854775808"))
                == "problems/x.yaml: dimension: 9223372036854775808 is out of range (allowed: 1...100000)")
        #expect(message(replacing("dimension: 2", "dimension: 0"))
                == "problems/x.yaml: dimension: 0 is out of range (allowed: 1...100000)")
        #expect(message(Self.valid + "\nnetwork: {width: 100000000}\n")
                == "problems/x.yaml: network.width: 100000000 is out of range (allowed: 1...4096)")
        #expect(message(Self.valid + "\nnetwork: {residual_layers: 1001}\n")
                == "problems/x.yaml: network.residual_layers: 1001 is out of range (allowed: 1...1000)")
        #expect(message(Self.valid + "\nnetwork: {rank: 0}\n")
                == "problems/x.yaml: network.rank: 0 is out of range (allowed: 1...3)")
        #expect(message(Self.valid + "\nintegrator: {steps: 5000}\n")
                == "problems/x.yaml: integrator.steps: 5000 is out of range (allowed: 1...4096)")
        #expect(message(replacing("iterations: 10", "iterations: 1_000_000_000_000"))
                == "problems/x.yaml: training.iterations: 1_000_000_000_000 is out of range (allowed: 0...10000000)")
        #expect(message(replacing("iterations: 10", "iterations: 10\n  batch_size: 10000001"))
                == "problems/x.yaml: training.batch_size: 10000001 is out of range (allowed: 1...10000000)")
        #expect(message(replacing("iterations: 10", "iterations: 10\n  validation_size: 99999999999"))
                == "problems/x.yaml: training.validation_size: 99999999999 is out of range (allowed: 1...10000000)")
        #expect(message(replacing("iterations: 10", "iterations: 10\n  lbfgs_memory: 5000"))
                == "problems/x.yaml: training.lbfgs_memory: 5000 is out of range (allowed: 1...1000)")
        #expect(message(replacing("iterations: 10", "iterations: 10\n  stage2: {iterations: 10, batch_size: 1e9, learning_rate: 0.1}"))
                == "problems/x.yaml: training.stage2.batch_size: expected an integer, got '1e9'")
        #expect(message(Self.valid + "\nreference: {domain: [[-1, 1], [-1, 1]], grid: {nx: 100000, ny: 8, nt: 4}}")
                == "problems/x.yaml: reference.grid.nx: 100000 is out of range (allowed: 2...4096)")
    }

    /// Tagged strings are strings; NaN and ∞ are named as not finite; only decimal numbers are numbers;
    /// magnitudes beyond 1e12 and positive values below 1e-12 (subnormal ones included) are refused
    /// with the bound.
    @Test func strictNumbers() {
        #expect(message(replacing("horizon: 1", "horizon: !!str 1"))
                == "problems/x.yaml: horizon: expected a number, got '1' tagged !!str")
        #expect(message(replacing("dimension: 2", "dimension: !!str 2"))
                == "problems/x.yaml: dimension: expected an integer, got '2' tagged !!str")
        #expect(message(replacing("dimension: 2", "dimension: !!float 2"))
                == "problems/x.yaml: dimension: expected an integer, got '2' tagged !!float")
        #expect(message(replacing("horizon: 1", "horizon: !!float 1")) == nil)
        #expect(message(replacing("horizon: 1", "horizon: !custom 1"))
                == "problems/x.yaml: horizon: expected a number, got '1' tagged !custom")
        #expect(message(replacing("variance: 0.3", "variance: .nan"))
                == "problems/x.yaml: initial_density.variance: .nan is not a finite number (allowed: finite numbers)")
        #expect(message(replacing("horizon: 1", "horizon: -.inf"))
                == "problems/x.yaml: horizon: -.inf is not a finite number (allowed: finite numbers)")
        #expect(message(replacing("mean: [-1, 0]", "mean: [-1, nan]"))
                == "problems/x.yaml: initial_density.mean[2]: nan is not a finite number (allowed: finite numbers)")
        #expect(message(replacing("horizon: 1", "horizon: 1e999"))
                == "problems/x.yaml: horizon: 1e999 is not a finite number (allowed: finite numbers)")
        #expect(message(replacing("horizon: 1", "horizon: 0x10"))
                == "problems/x.yaml: horizon: expected a number, got '0x10'")
        #expect(message(replacing("horizon: 1", "horizon: 1.2.3"))
                == "problems/x.yaml: horizon: expected a number, got '1.2.3'")
        #expect(message(replacing("variance: 0.3", "variance: 1e-320"))
                == "problems/x.yaml: initial_density.variance: 1e-320 is out of range (allowed: >= 1e-12)")
        #expect(message(replacing("variance: 0.3", "variance: [0.3, 5e-13]"))
                == "problems/x.yaml: initial_density.variance[2]: 5e-13 is out of range (allowed: >= 1e-12)")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: 4.9e-324"))
                == "problems/x.yaml: kinetic_weight: 5e-324 is out of range (allowed: >= 1e-12)")
        #expect(message(replacing("{type: kl, weight: 5}", "{type: kl, weight: 1e-300}"))
                == "problems/x.yaml: terminal_cost.weight: 1e-300 is out of range (allowed: 0 or >= 1e-12)")
        #expect(message(replacing("variance: 0.3", "variance: 1e300"))
                == "problems/x.yaml: initial_density.variance: 1e300 is out of range (allowed: magnitude at most 1e12)")
        // What stays allowed: decimals of every form, underscores, zero weights, the bounds themselves.
        #expect(message(replacing("horizon: 1", "horizon: .5e+1").replacingOccurrences(of: "variance: 0.3", with: "variance: 1e-12")
                        .replacingOccurrences(of: "{type: kl, weight: 5}", with: "{type: kl, weight: 0}")
                        .replacingOccurrences(of: "kinetic_weight: 2", with: "kinetic_weight: 1_000.")) == nil)
    }

    @Test func numberSyntax() {
        for text in ["1", "-0.3", ".5", "5.", "1e-3", "2.5E+4", "+7", "1_000.5"] {
            if case .value = NumberSyntax.decimal(text) {} else { Issue.record("\(text) should be a number") }
        }
        for text in ["0x10", "0o17", "1e", "e5", ".", "-", "1_", "_1", "1.2.3", "1,5", "inf5", "", " 1"] {
            #expect(NumberSyntax.decimal(text) == .notANumber, "\(text)")
        }
        for text in [".nan", ".NaN", "NAN", ".inf", "-.Inf", "+.INF", "inf", "-Infinity", "1e400"] {
            #expect(NumberSyntax.decimal(text) == .notFinite, "\(text)")
        }
    }

    /// YAML nested deeper than 64 levels (the top-level mapping is the first) is refused before it is composed (100 000 levels overflowed
    /// the composer's stack), in flow and in block style; so is an alias bomb, by its expanded size.
    @Test func nestingAndAliases() {
        let deep = "name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        #expect(message(deep) == "problems/x.yaml: line 1, column 70: lists and mappings are nested more than 64 deep "
                + "(allowed: at most 64 levels)")
        let block = "name:\n" + String(repeating: "- ", count: 100_000) + "x\n"
        #expect(message(block) == "problems/x.yaml: line 2, column 127: lists and mappings are nested more than 64 deep "
                + "(allowed: at most 64 levels)")
        #expect(message("name: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n")
                == "problems/x.yaml: name: expected a string, got a list")
        var bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"]) {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(message(bomb) == "problems/x.yaml: line 6, column 36: the file holds more than 1000000 YAML values, "
                + "aliases (*name) counted as copies of what they name (allowed: at most 1000000)")
        // Aliases within the limit are fine.
        #expect(message(replacing("mean: [-1, 0]", "mean: &m [-1, 0]").replacingOccurrences(of: "mean: [1, 0]", with: "mean: *m"))
                == nil)
    }

    @Test func textTooLarge() {
        let big = Self.valid + "description: " + String(repeating: "x", count: ProblemLimits.fileBytes) + "\n"
        #expect(message(big) == "problems/x.yaml: cannot read file: is \(big.utf8.count) bytes (allowed: at most 4194304)")
    }

    /// Compact vectors expand to d numbers each; the budget stops a short file from asking for
    /// billions (checked here with a budget of 1000 numbers; the real one is 2²⁵).
    @Test func readBudget() {
        #expect(ProblemLimits.numbers == 1 << 25)
        let d100 = replacing("dimension: 2", "dimension: 100").replacingOccurrences(of: "[-1, 0]", with: "-1")
            .replacingOccurrences(of: "[1, 0]", with: "1")
        let mixture = "{type: mixture, components: ["
            + Array(repeating: "{weight: 1, mean: 0, variance: 1}", count: 6).joined(separator: ", ") + "]}"
        let many = d100.replacingOccurrences(of: "{type: gaussian, mean: -1, variance: 0.3}", with: mixture)
        func small(_ yaml: String) -> String? {
            do { _ = try Problem.parse(yaml: yaml, file: "problems/x.yaml", budget: ReadBudget(numbers: 1000)); return nil }
            catch { return error.description }
        }
        #expect(small(many) == "problems/x.yaml: initial_density.components[6].mean: expanding this to 100 numbers brings "
                + "the problem past 1000 numbers (allowed: at most 1000 once compact vectors are expanded); use fewer "
                + "components or bumps, or a lower dimension")
        #expect(message(many) == nil)
        // A sample file is checked against what the budget leaves before its numbers are allocated
        // (the shipped two-moons file: 3000 rows of 2).
        let moons = replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}",
                              "{type: samples, file: \(problemsDirectory)/data/two-moons.npy, bandwidth: 0.2}")
        #expect(small(moons) == "problems/x.yaml: initial_density.file: \(problemsDirectory)/data/two-moons.npy: has 3000 samples "
                + "(allowed: at most 500 at dimension 2)")
        #expect(message(moons) == nil)
        // Full covariances are charged d² numbers and their set-up work.
        let budget = ReadBudget(work: 2e9)
        let field = YAMLField(node: Node("x"), path: "target_density.rotation", file: "f.yaml", budget: budget)
        #expect(throws: Never.self) { try budget.chargeFullCovariance(dimension: 1000, cubes: 1, at: field) }
        #expect(throws: ProblemError.self) { try budget.chargeFullCovariance(dimension: 1000, cubes: 3, at: field) }
        do { try budget.chargeFullCovariance(dimension: 1000, cubes: 3, at: field) } catch {
            #expect(error.description == "f.yaml: target_density.rotation: full covariances of dimension 1000 take too much "
                    + "work to set up: about 4000000000 operations so far (allowed: at most 2000000000, e.g. two covariances "
                    + "rotated by one seed and a covariance file at dimension 1000); use diagonal variances, fewer full "
                    + "covariances or a product density")
        }
        #expect(budget.numbers == 2_000_000)
    }

    /// The problem path: a directory, a FIFO (never opened, so never waited on), a missing file,
    /// text that is not UTF-8, a file without read permission: each says what it is.
    @Test func problemPathKinds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfg-kinds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func loadMessage(_ path: String) -> String? {
            do { _ = try Problem.load(path: path); return nil } catch { return error.description }
        }
        #expect(loadMessage(dir.path) == "\(dir.path): cannot read file: is a directory (allowed: a regular file)")
        let fifo = dir.appendingPathComponent("p.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(loadMessage(fifo) == "\(fifo): cannot read file: is a named pipe (FIFO) (allowed: a regular file)")
        #expect(loadMessage(dir.appendingPathComponent("none.yaml").path)
                == "\(dir.path)/none.yaml: cannot read file: no such file")
        let latin = dir.appendingPathComponent("latin.yaml")
        try Data("name: t\ndescription: caf".utf8 + [0xE9] + Array("\n".utf8)).write(to: latin)
        #expect(loadMessage(latin.path) == "\(latin.path): cannot read file: is not UTF-8 text (byte 0xE9 on line 2)")
        #expect(loadMessage("/dev/zero") == "/dev/zero: cannot read file: is a character device (allowed: a regular file)")
        #expect(FileContentsError(errno: EACCES).description == "permission denied")
        if geteuid() != 0 {   // root reads files whatever their permissions
            let locked = dir.appendingPathComponent("locked.yaml")
            try Self.valid.write(to: locked, atomically: true, encoding: .utf8)
            chmod(locked.path, 0)
            #expect(loadMessage(locked.path) == "\(locked.path): cannot read file: permission denied")
        }
    }

    /// Strings: no NUL (it cannot be stored, and cuts file names short); `name` names the output
    /// folder, so it is one file name; a UTF-8 byte-order mark is skipped.
    @Test func stringsAndNames() throws {
        #expect(message(replacing("name: t", "name: \"t\\0x\""))
                == "problems/x.yaml: name: contains a NUL character (allowed: text without NUL)")
        #expect(message(replacing("name: t", "name: ../../etc"))
                == "problems/x.yaml: name: '../../etc' is not allowed (allowed: a file name of at most 255 bytes, without "
                + "'/' or control characters)")
        #expect(message(replacing("name: t", "name: \"a\\tb\""))
                == "problems/x.yaml: name: 'a\\tb' is not allowed (allowed: a file name of at most 255 bytes, without "
                + "'/' or control characters)")
        let bom = "\u{FEFF}" + Self.valid
        let p = try Problem.parse(yaml: bom, file: "problems/x.yaml")
        #expect(p.name == "t" && p.sourceText == bom)
    }

    /// List positions in messages count from 1, like coordinates, covariance entries and lines.
    @Test func positionsCountFromOne() {
        let mixture = "{type: mixture, components: [{weight: 1, mean: 0, variance: 1}, {weight: 1, mean: [0, x], variance: 1}]}"
        #expect(message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}", mixture))
                == "problems/x.yaml: initial_density.components[2].mean[2]: expected a number, got 'x'")
    }
}
