import ArgumentParser
import Foundation

/// `mfg plot`: figures of a checkpoint's solution as SVG (and PNG). Thin: the data preparation
/// lives in Plotting/, the drawing in MFGPlot.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a checkpoint's solution: paths, densities, training curves, or a comparison with the grid solver.",
        discussion: "Figures are SVG; --out FILE.pdf or FILE.png converts the SVG (written beside it) with rsvg-convert, and --png also writes a PNG beside an SVG. See docs/getting-started.md.")

    @Argument(help: "A checkpoint written by `mfg solve`.", completion: .file(extensions: ["h5"])) var checkpoint: String
    @Option(help: "The figure to write, in an existing folder: .svg, or .pdf/.png (converted from the SVG written beside it; needs rsvg-convert). Default: <kind>.svg next to the checkpoint.",
            completion: .file(extensions: ["svg", "pdf", "png"])) var out: String?
    @Option(help: "What to draw.") var kind: PlotKind = .paths
    @Option(help: "The two coordinates to draw, 1-based.") var dims = "1,2"
    @Option(help: "A grid-solver result file (for --kind compare, d = 2).", completion: .file(extensions: ["h5"])) var reference: String?
    @Option(help: "Characteristics in the paths figure (1…5000; default: the stored ones, or 256).") var agents: Int?
    @Option(help: "Pushed samples behind the density and compare figures (100…1000000).") var samples = 20_000
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Flag(help: "Density figure in d = 2: count pushed samples instead of showing ρ₀e^(−ℓ) along them.") var histogram = false
    @Flag(help: "Also write a PNG beside the SVG, same name (needs rsvg-convert).") var png = false

    func validate() throws {
        if let agents, !(1...5000).contains(agents) { throw ValidationError("--agents must be in 1…5000, got \(agents)") }
        guard (100...1_000_000).contains(samples) else { throw ValidationError("--samples must be in 100…1000000, got \(samples)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
    }

    func run() throws {
        do throws(PlotError) {
            let outcome = try perform()
            print("wrote " + ([outcome.svgPath] + outcome.convertedPaths).joined(separator: " and "))
            for note in outcome.notes { print("  \(note)") }
        } catch {
            fail(error.description, code: error.code)
        }
    }

    /// The output file when `--out` is not given: `<kind>.svg` beside the checkpoint.
    var defaultSVGPath: String {
        let dir = (checkpoint as NSString).deletingLastPathComponent
        return dir.isEmpty ? "\(kind.rawValue).svg" : (dir as NSString).appendingPathComponent("\(kind.rawValue).svg")
    }

    /// Checks every input (before any computation), draws the figure and writes the files.
    /// `converter` turns the SVG into PDF or PNG (`--out` with those extensions, `--png`).
    func perform(references: ReferenceReader = ResultFileReferenceReader(),
                 converter: SVGConverter? = SVGConverter.onPath()) throws(PlotError) -> PlotOutcome {
        let target = try out.map { path throws(PlotError) in try PlotOutputPath.check(path, converterInstalled: converter != nil) }
            ?? PlotOutputPath.Target(svg: defaultSVGPath, converted: nil)
        let (cp, problem) = try PlotSession.load(checkpoint: checkpoint)
        let dims = try CoordinatePair.parse(self.dims, dimension: problem.dimension, problem: problem.name)
        var ref: ReferenceDensities?
        if kind == .compare {
            guard let reference else {
                throw .badInput("--kind compare needs --reference RESULT.h5 (a grid-solver result for the same problem)")
            }
            guard problem.dimension == 2 else {
                throw .badInput("--kind compare needs a d = 2 problem; '\(problem.name)' has d = \(problem.dimension)")
            }
            let r = try references.read(reference)
            // The same game, as `mfg compare` asks (names and solver settings may differ); by name
            // when the reference's stored problem does not parse.
            if let refProblem = r.problem {
                let differences = problem.gameDifferences(from: refProblem)
                guard differences.isEmpty else {
                    throw .badInput("\(reference): the reference solves '\(r.problemName)', a different game from the checkpoint's "
                                    + "'\(problem.name)': they differ in " + differences.map(\.description).joined(separator: ", "))
                }
            } else if r.problemName != problem.name {
                throw .badInput("\(reference): the reference solves '\(r.problemName)' but the checkpoint solves '\(problem.name)'")
            }
            ref = r
        } else if reference != nil {
            throw .badInput("--reference is only used by --kind compare")
        }
        let session = PlotSession(checkpoint: cp, problem: problem, dims: dims, threads: threads)
        var result: PlotResult
        switch kind {
        case .paths: result = try pathsPlot(session, agents: agents)
        case .density: result = try densityPlot(session, samples: samples, histogram: histogram)
        case .training: result = try trainingPlot(session)
        case .compare: result = try comparePlot(session, reference: ref!, samples: samples)
        }
        let path = target.svg
        do { try result.svg.write(toFile: path, atomically: true, encoding: .utf8) }
        catch { throw .failure("cannot write \(path): \(error.localizedDescription)") }
        var conversions = target.converted.map { [$0] } ?? []
        if png, target.converted?.format != .png {
            if converter != nil {
                conversions.append(((path as NSString).deletingPathExtension + ".png", .png))
            } else {
                result.notes.append("--png: rsvg-convert is not on PATH (apt-get install librsvg2-bin); wrote the SVG only")
            }
        }
        if let converter {
            for (file, format) in conversions { try converter.convert(svg: path, to: file, format: format) }
        }
        return PlotOutcome(svgPath: path, convertedPaths: conversions.map(\.path), notes: result.notes)
    }
}

/// The files `mfg plot` wrote and its report.
struct PlotOutcome: Sendable {
    var svgPath: String
    /// The PDF and PNG files converted from the SVG, if any.
    var convertedPaths: [String]
    var notes: [String]
}
