import Foundation
import Testing
import MFGProblem
import MFGNeural
@testable import mfg

/// `mfg plot` end to end through the command's own logic (parsing, checks, drawing, writing),
/// on tiny trained checkpoints.
@Suite struct PlotCommandTests {
    /// Parses the arguments as the command line would and runs the command's logic.
    func plot(_ arguments: [String], references: ReferenceReader = ResultFileReferenceReader(),
              converter: SVGConverter? = SVGConverter.onPath()) throws -> PlotOutcome {
        let command = try PlotCommand.parse(arguments)
        return try command.perform(references: references, converter: converter)
    }

    func svg(at path: String) throws -> SVGCheck {
        let check = SVGCheck(try String(contentsOfFile: path, encoding: .utf8))
        #expect(check.wellFormed)
        #expect(check.root == "svg")
        return check
    }

    @Test func pathsFigureShowsObstacleDensitiesAndAxes() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--out", f.path("p.svg")])
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "trajectory") > 0)
        #expect(s.count(class: "contour") >= 3)          // levels of Q, ρ₀ and ρ₁
        #expect(s.count(class: "start") == 32)           // the stored paths
        #expect(s.count(class: "end") == 32)
        #expect(s.text.contains("tiny-crowd-d2"))
        #expect(s.text.contains("x1") && s.text.contains("x2"))
        #expect(s.text.contains("obstacle Q") && s.text.contains("\u{03C1}\u{2081} target"))
        #expect(outcome.notes.contains { $0.contains("pass where Q > Q_max/2") })
    }

    @Test func pathsAreComputedWhenMoreAgentsThanStoredAreAsked() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--out", f.path("p50.svg"), "--agents", "50", "--dims", "2,1"])
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "start") == 50)
        #expect(outcome.notes.contains { $0.contains("computed") })
    }

    @Test func defaultOutputIsKindNextToCheckpoint() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "training"])
        #expect(outcome.svgPath == f.path("training.svg"))
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "series") >= 4)
        #expect(s.text.contains("tiny-crowd-d2: training"))
        #expect(s.text.contains("iteration") && s.text.contains("objective (validation)"))
    }

    @Test func densityInTwoDimensionsIsExactAlongPaths() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "density", "--samples", "500", "--out", f.path("d.svg")])
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "heatmap") == 4)          // t = 0, 0.5, 1 and the target
        #expect(s.text.contains("t = 0.5") && s.text.contains("target"))
        #expect(s.text.contains("along 500 characteristics"))
        let counted = try plot([f.checkpoint, "--kind", "density", "--histogram", "--samples", "500", "--out", f.path("dh.svg")])
        #expect(try svg(at: counted.svgPath).text.contains("tiny-crowd-d2: density, histogram of 500 pushed samples"))
    }

    @Test func densityInThreeDimensionsIsAHistogramOfProjectedSamples() throws {
        let f = try PlotFixture.d3.get()
        let outcome = try plot([f.checkpoint, "--kind", "density", "--dims", "1,3", "--samples", "400", "--out", f.path("d.svg")])
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "heatmap") == 4)
        #expect(s.text.contains("histogram of 400 pushed samples on (x1, x3)"))
        #expect(s.text.contains("x3"))
    }

    @Test func pathsWithoutStoredPathsAndASlicedObstacle() throws {
        let f = try PlotFixture.d3.get()
        let outcome = try plot([f.checkpoint, "--dims", "1,3", "--agents", "20", "--out", f.path("p.svg")])
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "start") == 20)
        #expect(s.text.contains("obstacle Q (slice)"))
    }

    @Test(arguments: [("1,3", "--dims 1,3: coordinate 3 is out of range; problem 'tiny-crowd-d2' has d = 2 (allowed: 1…2)"),
                      ("0,1", "--dims 0,1: coordinate 0 is out of range; problem 'tiny-crowd-d2' has d = 2 (allowed: 1…2)"),
                      ("1", "--dims must be two 1-based coordinates such as 1,2; got '1'"),
                      ("2,2", "--dims 2,2: the two coordinates must differ")])
    func badDimsAreOneLineErrors(dims: String, message: String) throws {
        let f = try PlotFixture.d2.get()
        let out = f.path("never-\(UUID().uuidString).svg")
        #expect(throws: PlotError.badInput(message)) { try plot([f.checkpoint, "--dims", dims, "--out", out]) }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// `--out` must be an SVG file in an existing folder: anything else is one line naming the
    /// path, before the checkpoint is even read, and nothing is written.
    static let allowed = "allowed: a file ending in .svg, or .pdf or .png when rsvg-convert is installed"

    @Test(arguments: [("x.eps", "mfg plot writes SVG, PDF or PNG, and this file has '.eps' (\(allowed))"),
                      ("figure", "mfg plot writes SVG, PDF or PNG, and this file has no extension (\(allowed))"),
                      ("x.pdf", ".pdf needs rsvg-convert, which is not on PATH (apt-get install librsvg2-bin; or write .svg)"),
                      ("x.PNG", ".PNG needs rsvg-convert, which is not on PATH (apt-get install librsvg2-bin; or write .svg)"),
                      ("missing/x.svg", "the folder {dir}/missing does not exist (create it first)"),
                      ("file.txt/x.svg", "{dir}/file.txt is not a folder"),
                      ("folder.svg", "is a folder (\(allowed))")])
    func badOutputPathIsRefusedBeforeDrawing(name: String, message: String) throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "not a folder".write(to: dir.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.svg"), withIntermediateDirectories: false)
        let out = dir.appendingPathComponent(name).path
        let expected = PlotError.badInput("--out \(out): " + message.replacingOccurrences(of: "{dir}", with: dir.path))
        // A checkpoint that does not exist: the output path is checked first. No converter
        // installed, so .pdf and .png are refused too.
        #expect(throws: expected) { try plot(["/nonexistent/checkpoint.h5", "--out", out], converter: nil) }
        let f = try PlotFixture.d2.get()
        #expect(throws: expected) { try plot([f.checkpoint, "--kind", "training", "--out", out], converter: nil) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["file.txt", "folder.svg"])
    }

    /// `--out x.pdf` where x.svg is a folder: refused before drawing (the SVG goes beside the PDF).
    @Test func convertedOutputWhoseSVGIsAFolderIsRefused() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("x.svg"), withIntermediateDirectories: false)
        let out = dir.appendingPathComponent("x.pdf").path
        let fake = try FakeConverter(in: dir)
        #expect(throws: PlotError.badInput("--out \(out): \(dir.path)/x.svg is a folder (\(Self.allowed))")) {
            try plot(["/nonexistent/checkpoint.h5", "--out", out], converter: fake.converter)
        }
    }

    /// `--out x.pdf` (and `.png`): the SVG is drawn beside it and handed to the converter with
    /// the format's arguments; `--png` adds a PNG to a PDF. A stand-in converter records its
    /// arguments, so this runs without librsvg.
    @Test func pdfAndPNGAreConvertedFromTheSVGBesideThem() throws {
        let f = try PlotFixture.d2.get()
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = try FakeConverter(in: dir)
        let pdf = dir.appendingPathComponent("fig.pdf").path, svgPath = dir.appendingPathComponent("fig.svg").path
        let outcome = try plot([f.checkpoint, "--kind", "training", "--out", pdf, "--png"], converter: fake.converter)
        #expect(outcome.svgPath == svgPath)
        #expect(outcome.convertedPaths == [pdf, dir.appendingPathComponent("fig.png").path])
        #expect(try svg(at: svgPath).text.contains("tiny-crowd-d2: training"))
        let calls = try fake.calls()
        #expect(calls == ["--format pdf -o \(pdf) \(svgPath)",
                          "--format png --zoom 1.5 --background-color white -o \(dir.path)/fig.png \(svgPath)"])
        #expect(try String(contentsOfFile: pdf, encoding: .utf8) == "converted\n")
    }

    /// With librsvg installed, `--out x.pdf` writes a real PDF.
    @Test(.enabled(if: SVGConverter.onPath() != nil)) func pdfIsARealPDFWhenRsvgConvertIsInstalled() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "training", "--out", f.path("t.pdf")])
        #expect(outcome.convertedPaths == [f.path("t.pdf")])
        let head = try FileHandle(forReadingFrom: URL(fileURLWithPath: f.path("t.pdf"))).readData(ofLength: 5)
        #expect(String(decoding: head, as: UTF8.self) == "%PDF-")
    }

    /// `--out` in upper case is an SVG file too.
    @Test func upperCaseSVGExtensionIsAccepted() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "training", "--out", f.path("T.SVG")])
        #expect(try svg(at: outcome.svgPath).text.contains("tiny-crowd-d2: training"))
    }

    @Test func compareNeedsAReference() throws {
        let f = try PlotFixture.d2.get()
        #expect(throws: PlotError.badInput("--kind compare needs --reference RESULT.h5 (a grid-solver result for the same problem)")) {
            try plot([f.checkpoint, "--kind", "compare"])
        }
        #expect(throws: PlotError.badInput("/nonexistent/result.h5: no such file")) {
            try plot([f.checkpoint, "--kind", "compare", "--reference", "/nonexistent/result.h5"])
        }
    }

    @Test func aCheckpointIsNotAReference() throws {
        let f = try PlotFixture.d2.get()
        #expect(throws: PlotError.badInput("\(f.checkpoint): not an mfg reference result (format attribute is 'mfg-checkpoint'); make one with `mfg reference`")) {
            try plot([f.checkpoint, "--kind", "compare", "--reference", f.checkpoint])
        }
    }

    @Test func compareRefusesAnotherProblemsReference() throws {
        let f = try PlotFixture.d2.get()
        let other = StubReferences(problemName: "ot-d2")
        #expect(throws: PlotError.badInput("ref.h5: the reference solves 'ot-d2' but the checkpoint solves 'tiny-crowd-d2'")) {
            try plot([f.checkpoint, "--kind", "compare", "--reference", "ref.h5"], references: other)
        }
    }

    /// With the reference's stored problem the games are compared, as `mfg compare` does: the
    /// same game under another name (and other solver settings) is drawn; another obstacle weight
    /// is refused, naming the field.
    @Test func compareComparesGamesNotNames() throws {
        let f = try PlotFixture.d2.get()
        let renamed = try Problem.parse(yaml: PlotFixture.yaml(dimension: 2)
            .replacingOccurrences(of: "name: tiny-crowd-d2", with: "name: another-name")
            .replacingOccurrences(of: "steps: 2}", with: "steps: 8}"), file: "other.yaml")
        let same = StubReferences(problemName: renamed.name, problem: renamed)
        let drawn = try plot([f.checkpoint, "--kind", "compare", "--reference", "ref.h5", "--samples", "500",
                              "--out", f.path("renamed.svg")], references: same)
        #expect(FileManager.default.fileExists(atPath: drawn.svgPath))
        let heavier = try Problem.parse(yaml: PlotFixture.yaml(dimension: 2)
            .replacingOccurrences(of: "obstacle: {weight: 1,", with: "obstacle: {weight: 10,"), file: "heavy.yaml")
        let other = StubReferences(problemName: heavier.name, problem: heavier)
        do {
            _ = try plot([f.checkpoint, "--kind", "compare", "--reference", "ref.h5"], references: other)
            Issue.record("another game was drawn")
        } catch {
            #expect("\(error)".contains("a different game from the checkpoint's 'tiny-crowd-d2': they differ in running_cost.obstacle.weight"),
                    "\(error)")
        }
    }

    @Test func compareDrawsNeuralGridAndDifference() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "compare", "--reference", "ref.h5", "--samples", "500",
                                "--out", f.path("c.svg")], references: StubReferences(problemName: f.problemName))
        let s = try svg(at: outcome.svgPath)
        #expect(s.count(class: "heatmap") == 15)         // 5 times × (neural, grid, difference)
        #expect(s.text.contains("neural against grid solver"))
        // The fixture integrates with 2 steps: the quarters need 4, and each column carries its L1.
        #expect(outcome.notes.contains { $0.hasPrefix("compared at t = 0, 0.25, 0.5, 0.75, 1; density L1 ") })
        #expect(outcome.notes.contains { $0.contains("paths integrated with 4 steps (the run used 2)") })
        #expect(s.text.contains("t = 0.5, L1 "))
    }

    @Test func compareNeedsTwoDimensions() throws {
        let f = try PlotFixture.d3.get()
        #expect(throws: PlotError.badInput("--kind compare needs a d = 2 problem; 'tiny-crowd-d3' has d = 3")) {
            try plot([f.checkpoint, "--kind", "compare", "--reference", "ref.h5"])
        }
    }

    @Test func pngIsWrittenWhenRsvgConvertIsInstalled() throws {
        let f = try PlotFixture.d2.get()
        let outcome = try plot([f.checkpoint, "--kind", "training", "--png", "--out", f.path("t.svg")])
        if SVGConverter.onPath() != nil {
            #expect(outcome.convertedPaths == [f.path("t.png")])
            #expect(FileManager.default.fileExists(atPath: f.path("t.png")))
        } else {
            #expect(outcome.notes.contains { $0.contains("rsvg-convert is not on PATH") })
        }
    }
}

/// A reference of the fixture's shape: a Gaussian of variance 0.3 moving from (0, 2) to
/// (0, −2) on 21 × 21 cells of [−3.15, 3.15] × [−4.2, 4.2], at 4 time steps.
struct StubReferences: ReferenceReader {
    let problemName: String
    /// The problem the stub claims to solve (nil: only its name is known).
    var problem: Problem? = nil
    func read(_ path: String) throws(PlotError) -> ReferenceDensities {
        let grid = CellGrid(coordinates: [0, 1], lower: [-3.15, -4.2], upper: [3.15, 4.2], counts: [21, 21])
        func rho(_ x: [Double], _ t: Double) -> Double {
            let cy: Double = 2 - 4 * t
            let r2: Double = x[0] * x[0] + (x[1] - cy) * (x[1] - cy)
            return exp(-r2 / 0.6) / (0.6 * Double.pi)
        }
        let density = (0...4).flatMap { k in (0..<grid.cellCount).map { rho(grid.centre($0), Double(k) / 4) } }
        let block = ReferenceBlock(grid: grid, steps: 4, horizon: 1, density: density,
                                   potential: [Double](repeating: 0, count: 4 * grid.cellCount),
                                   costs: ReferenceCosts(kinetic: 8, running: 0, terminal: 0))
        return ReferenceDensities(problemName: problemName, block: block, problem: problem)
    }
}

/// The built binary: exit codes and the one-line message on standard error.
@Suite struct PlotBinaryTests {
    /// `.build/debug/mfg`, found from this file's path; nil when it has not been built.
    static let binary: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/mfg").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary!)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil)) func badDimsExitWithBadInput() throws {
        let f = try PlotFixture.d2.get()
        let r = try run(["plot", f.checkpoint, "--dims", "1,3", "--out", f.path("bin.svg")])
        #expect(r.status == ExitCodes.badInput)
        #expect(r.stderr == "mfg: --dims 1,3: coordinate 3 is out of range; problem 'tiny-crowd-d2' has d = 2 (allowed: 1…2)\n")
        #expect(!FileManager.default.fileExists(atPath: f.path("bin.svg")))
    }

    /// `--out x.pdf` from the command line without rsvg-convert on PATH: exit 2, the one line,
    /// no file.
    @Test func pdfOutputWithoutConverterExitsWithBadInput() throws {
        let f = try PlotFixture.d2.get()
        let r = try CLI.run(["plot", f.checkpoint, "--out", f.path("bin.pdf")], environment: ["PATH": "/nonexistent"])
        #expect(r.status == ExitCodes.badInput)
        #expect(r.stderr == "mfg: --out \(f.path("bin.pdf")): .pdf needs rsvg-convert, which is not on PATH "
                + "(apt-get install librsvg2-bin; or write .svg)\n", "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.path("bin.pdf")))
        #expect(!FileManager.default.fileExists(atPath: f.path("bin.svg")))
    }

    /// The generated shell completion completes file names by kind: problem files, checkpoints
    /// and results, CSV points, output folders.
    @Test func completionScriptsCompleteFileNames() throws {
        let r = try CLI.run(["--generate-completion-script", "bash"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("-fX '!*.@(yaml|yml)'"))
        #expect(r.stdout.contains("-fX '!*.@(h5)'"))
        #expect(r.stdout.contains("-fX '!*.@(csv)'"))
        #expect(r.stdout.contains("-fX '!*.@(svg|pdf|png)'"))
        #expect(r.stdout.contains("__mfg_add_completions -d"))
        for shell in ["zsh", "fish"] {
            let other = try CLI.run(["--generate-completion-script", shell])
            #expect(other.status == 0 && other.stdout.contains("yaml"), "\(shell)")
        }
    }

    @Test(.enabled(if: binary != nil)) func trainingFigureFromTheCommandLine() throws {
        let f = try PlotFixture.d2.get()
        let r = try run(["plot", f.checkpoint, "--kind", "training", "--out", f.path("bin-training.svg")])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("wrote \(f.path("bin-training.svg"))"))
        #expect(SVGCheck(try String(contentsOfFile: f.path("bin-training.svg"), encoding: .utf8)).wellFormed)
    }
}

/// A stand-in for rsvg-convert: a shell script that appends its arguments to calls.txt and
/// writes "converted" to the file after -o.
struct FakeConverter {
    let dir: URL
    init(in dir: URL) throws {
        self.dir = dir
        let script = dir.appendingPathComponent("fake-rsvg-convert")
        try """
        #!/bin/sh
        echo "$*" >> "\(dir.path)/calls.txt"
        out=""; prev=""
        for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
        echo converted > "$out"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    }
    var converter: SVGConverter { SVGConverter(tool: dir.appendingPathComponent("fake-rsvg-convert").path) }
    func calls() throws -> [String] {
        try String(contentsOf: dir.appendingPathComponent("calls.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }
}
