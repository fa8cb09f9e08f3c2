import Foundation

/// Converts an SVG file to PDF or PNG with `rsvg-convert` (librsvg, Debian package
/// `librsvg2-bin`), when it is installed. The figures are drawn as SVG only; every other format
/// is this converter's output.
struct SVGConverter: Sendable {
    /// The converter's executable.
    let tool: String

    /// The formats the converter can write, by the extension of the file they go to.
    enum Format: String, Sendable, CaseIterable {
        case pdf, png

        /// `rsvg-convert`'s arguments for this format (PNG at 1.5× scale on white, PDF at its
        /// natural size).
        var arguments: [String] {
            switch self {
            case .pdf: ["--format", "pdf"]
            case .png: ["--format", "png", "--zoom", "1.5", "--background-color", "white"]
            }
        }
    }

    /// `rsvg-convert` on PATH, or nil.
    static func onPath() -> SVGConverter? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return dirs.map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            .map { SVGConverter(tool: $0) }
    }

    /// Writes `output` in `format` from the SVG file `svg`; throws when the converter cannot
    /// run, fails, or leaves no file.
    func convert(svg: String, to output: String, format: Format) throws(PlotError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = format.arguments + ["-o", output, svg]
        do { try process.run() } catch { throw .failure("cannot run \(tool): \(error.localizedDescription)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .failure("\(tool) failed on \(svg) (exit status \(process.terminationStatus))")
        }
        guard FileManager.default.fileExists(atPath: output) else {
            throw .failure("\(tool) wrote no \(output)")
        }
    }
}
