import Foundation

/// Converts an SVG file to PNG with `rsvg-convert` (librsvg), when it is installed.
enum PNGExport {
    /// The full path of `rsvg-convert` on PATH, or nil.
    static var converter: String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return dirs.map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes `png` from `svg` at 1.5× scale; throws when the converter fails.
    static func convert(svg: String, to png: String, with tool: String) throws(PlotError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--zoom", "1.5", "--background-color", "white", "-o", png, svg]
        do { try process.run() } catch { throw .failure("cannot run \(tool): \(error.localizedDescription)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .failure("rsvg-convert failed on \(svg) (exit status \(process.terminationStatus))")
        }
    }
}
