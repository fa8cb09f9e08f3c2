import Foundation
import Testing
@testable import MFGProblem

/// `--set key.path=value`: the effective problem text and the one-line messages.
@Suite("Settings given on the command line (--set)")
struct SettingOverrideTests {
    static let file = "problems/x.yaml"
    static let base = ProblemErrorTests.valid

    /// The effective text of `base` with `settings`.
    func effective(_ settings: [String], _ yaml: String = base) throws -> String {
        try ProblemOverrides.apply(settings.map { s throws in try SettingOverride(parsing: s) }, to: yaml, file: Self.file)
    }

    /// The problem read from the effective text.
    func problem(_ settings: [String], _ yaml: String = base) throws -> Problem {
        try Problem.parse(yaml: effective(settings, yaml), file: Self.file)
    }

    /// The one-line message of `settings` applied to `base` (setting or problem error), or nil.
    func message(_ settings: [String], _ yaml: String = base) -> String? {
        do {
            _ = try problem(settings, yaml)
            return nil
        } catch let error as SettingOverrideError {
            return error.description
        } catch let error as ProblemInputError {
            return error.description
        } catch let error as ProblemError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    /// The message of the file itself, edited by hand.
    func fileMessage(_ yaml: String) -> String? {
        do { _ = try Problem.parse(yaml: yaml, file: Self.file); return nil } catch { return error.description }
    }

    @Test func setsNestedKeysAndCreatesMissingMappings() throws {
        let p = try problem(["training.iterations=100", "network.width=32", "running_cost.entropy.weight=0.02"])
        #expect(p.training.iterations == 100)
        #expect(p.network.width == 32)
        #expect(p.entropyWeight == 0.02)
        #expect(p.training.optimizer == .adam)
        // A later setting of the same path wins; an empty mapping value (null) is replaced by a mapping.
        #expect(try problem(["training.iterations=3", "training.iterations=7"]).training.iterations == 7)
        #expect(try problem(["running_cost.entropy.weight=0.5"], Self.base + "\nrunning_cost:\n").entropyWeight == 0.5)
    }

    @Test func replacesSequencesAndMappings() throws {
        let edited = Self.base.replacingOccurrences(of: "mean: [1, 0], variance: 1", with: "mean: [3, 2], variance: 2")
        let expected = try Problem.parse(yaml: edited, file: Self.file)
        let byValue = try problem(["target_density.mean=[3, 2]", "target_density.variance=2"])
        let byMapping = try problem(["target_density={type: gaussian, mean: [3, 2], variance: 2}"])
        #expect(byValue.describesSameGame(as: expected))
        #expect(byMapping.describesSameGame(as: expected))
        #expect(!byValue.describesSameGame(as: try Problem.parse(yaml: Self.base, file: Self.file)))
    }

    @Test func effectiveTextNamesTheSettingsAndKeepsTheFileWithout() throws {
        let text = try effective(["training.iterations=100", "network.width=32"])
        #expect(text.hasPrefix("# problems/x.yaml with --set training.iterations=100 --set network.width=32\n"), "\(text)")
        #expect(try Problem.parse(yaml: text, file: Self.file).sourceText == text)
        #expect(try effective([]) == Self.base)
        // A value with a line break stays on the comment line.
        let broken = try effective(["description=\"a\nb\""])
        #expect(broken.hasPrefix("# problems/x.yaml with --set description=\"a\\nb\"\n"), "\(broken)")
    }

    /// The header names the file as typed (`problems/x.yaml`); a checkpoint stores it made
    /// absolute. Both spellings are recognised, the file's own text and another file's are not.
    @Test func settingsAreRecognisedUnderTheAbsolutePath() throws {
        let text = try effective(["training.iterations=100"])
        let absolute = try Problem.parse(yaml: Self.base, file: Self.file).absoluteFile
        #expect(absolute.hasPrefix("/") && absolute.hasSuffix("/problems/x.yaml"), "\(absolute)")
        #expect(ProblemOverrides.hasSettings(text, file: Self.file))
        #expect(ProblemOverrides.hasSettings(text, file: absolute))
        #expect(!ProblemOverrides.hasSettings(text, file: "/elsewhere/y.yaml"))
        #expect(!ProblemOverrides.hasSettings(Self.base, file: absolute))
        #expect(!ProblemOverrides.hasSettings("# problems/x.yaml is a comment\n" + Self.base, file: absolute))
    }

    @Test func malformedSettingsNameTheSetting() {
        #expect(message(["training.iterations"]) == "--set training.iterations: expected key.path=value")
        #expect(message(["=3"]) == "--set =3: the key path before '=' is empty")
        #expect(message(["training..iterations=3"])
                == "--set training..iterations=3: the key path 'training..iterations' has an empty key "
                + "(keys are separated by single dots)")
        #expect(message(["training.iterations.x=3"])
                == "--set training.iterations.x=3: training.iterations is a number, not a mapping")
        #expect(message(["target_density.mean.x=3"])
                == "--set target_density.mean.x=3: target_density.mean is a list, not a mapping")
        #expect(message(["name.x=3"]) == "--set name.x=3: name is a string, not a mapping")
        #expect(message(["training.iterations=[1,"])?.hasPrefix("--set training.iterations=[1,: the value is not valid YAML: ")
                == true, "\(message(["training.iterations=[1,"]) ?? "nil")")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(message(["network.width=" + deep])?.contains("nested more than 64 deep") == true)
        let longPath = Array(repeating: "a", count: 65).joined(separator: ".") + "=1"
        #expect(message([longPath])?.hasSuffix(": the key path has 65 keys (allowed: at most 64)") == true)
    }

    @Test func refusedValuesGiveTheFileMessage() {
        let cases: [(String, String)] = [
            ("training.iterations=-1", "iterations: 10"),
            ("training.iterations=ten", "iterations: 10"),
            ("training.optimizer=sgd", "optimizer: adam"),
        ]
        for (setting, line) in cases {
            let parts = setting.split(separator: "=", maxSplits: 1)
            let key = parts[0].split(separator: ".").last!
            let edited = Self.base.replacingOccurrences(of: line, with: "\(key): \(parts[1])")
            let expected = fileMessage(edited)
            #expect(expected != nil)
            #expect(message([setting]) == expected, "\(setting)")
        }
        #expect(message(["network.widht=3"])?.hasPrefix("problems/x.yaml: network: unknown key 'widht' (allowed: width,")
                == true, "\(message(["network.widht=3"]) ?? "nil")")
        #expect(message(["colour=red"])?.hasPrefix("problems/x.yaml: unknown key 'colour' (allowed: name,") == true,
                "\(message(["colour=red"]) ?? "nil")")
    }

    @Test func theFileItselfIsCheckedFirst() {
        #expect(message(["training.iterations=3"], "a: [1,") == fileMessage("a: [1,"))
        let deep = "a: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(message(["training.iterations=3"], deep) == fileMessage(deep))
    }
}

@Suite("Problem texts compared apart from training.iterations")
struct ProblemTextComparisonTests {
    @Test func onlyIterationsAndLayoutMayDiffer() {
        let base = ProblemErrorTests.valid
        #expect(ProblemTextComparison.sameApartFromIterations(base, base.replacingOccurrences(of: "iterations: 10", with: "iterations: 60")))
        #expect(ProblemTextComparison.sameApartFromIterations(base, "# a comment\n" + base.replacingOccurrences(
            of: "penalties: {hjb: 3, terminal_hjb: 3}", with: "penalties:\n  hjb: 3\n  terminal_hjb: 3")))
        #expect(!ProblemTextComparison.sameApartFromIterations(base, base.replacingOccurrences(of: "hjb: 3,", with: "hjb: 4,")))
        #expect(!ProblemTextComparison.sameApartFromIterations(base, base.replacingOccurrences(of: "iterations: 10", with: "iterations: 10\n  seed: 2")))
        #expect(!ProblemTextComparison.sameApartFromIterations(base, "a: [1,"))
    }
}
