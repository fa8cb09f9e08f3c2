import Foundation

/// The checks on `mfg plot --out FILE` made before any work: the plotter writes SVG only, into
/// a folder that exists.
enum PlotOutputPath {
    /// The extensions `--out` may have (compared without case).
    static let extensions = ["svg"]

    /// Throws a one-line `PlotError.badInput` naming `path` when it does not end in `.svg`, when
    /// its folder is missing or not a folder, or when `path` itself is a folder.
    static func check(_ path: String) throws(PlotError) {
        let ext = (path as NSString).pathExtension
        guard extensions.contains(ext.lowercased()) else {
            let found = ext.isEmpty ? "no extension" : "'.\(ext)'"
            throw .badInput("--out \(path): mfg plot writes SVG only, and this file has \(found) "
                            + "(allowed: a file ending in .svg; --png adds a PNG beside it)")
        }
        let parent = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !parent.isEmpty {
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) else {
                throw .badInput("--out \(path): the folder \(parent) does not exist (create it first)")
            }
            guard isFolder.boolValue else { throw .badInput("--out \(path): \(parent) is not a folder") }
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .badInput("--out \(path): is a folder (allowed: a file ending in .svg)")
        }
    }
}
