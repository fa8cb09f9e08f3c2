import Foundation

/// The checks on `mfg plot --out FILE` made before any work. The plotter draws SVG; a `.pdf` or
/// `.png` file is converted from the SVG (written beside it, same name) by `SVGConverter`, so
/// those extensions need the converter to be installed. The folder must exist.
enum PlotOutputPath {
    /// What `--out` asks for: the SVG file to draw and, for `.pdf` or `.png`, the converted file.
    struct Target: Sendable {
        var svg: String
        var converted: (path: String, format: SVGConverter.Format)?
    }

    /// Throws a one-line `PlotError.badInput` naming `path` when its extension is not `.svg`,
    /// `.pdf` or `.png` (any case), when it is `.pdf`/`.png` and `converterInstalled` is false,
    /// when its folder is missing or not a folder, or when `path` itself is a folder.
    static func check(_ path: String, converterInstalled: Bool) throws(PlotError) -> Target {
        let ext = (path as NSString).pathExtension
        let allowed = "allowed: a file ending in .svg, or .pdf or .png when rsvg-convert is installed"
        var target = Target(svg: path, converted: nil)
        if ext.lowercased() != "svg" {
            guard let format = SVGConverter.Format(rawValue: ext.lowercased()) else {
                let found = ext.isEmpty ? "no extension" : "'.\(ext)'"
                throw .badInput("--out \(path): mfg plot writes SVG, PDF or PNG, and this file has \(found) (\(allowed))")
            }
            guard converterInstalled else {
                throw .badInput("--out \(path): .\(ext) needs rsvg-convert, which is not on PATH "
                                + "(apt-get install librsvg2-bin; or write .svg)")
            }
            target = Target(svg: (path as NSString).deletingPathExtension + ".svg", converted: (path, format))
        }
        let parent = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !parent.isEmpty {
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) else {
                throw .badInput("--out \(path): the folder \(parent) does not exist (create it first)")
            }
            guard isFolder.boolValue else { throw .badInput("--out \(path): \(parent) is not a folder") }
        }
        for file in [path, target.svg] where FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && isFolder.boolValue {
            throw .badInput("--out \(path): \(file == path ? "is" : "\(file) is") a folder (\(allowed))")
        }
        return target
    }
}
