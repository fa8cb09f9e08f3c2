/// A validated object path inside an HDF5 file.
///
/// Paths are slash-separated ("network/params/W0"); a leading slash is accepted and
/// ignored, "" and "/" denote the root group. Empty components ("a//b"), "." and ".."
/// are rejected so that every object has exactly one spelling.
struct StorePath: Equatable {
    /// The components, empty for the root group.
    let components: [String]

    /// Validates `text`, throwing `StoreError.invalidArgument` naming `file` if malformed.
    init(_ text: String, file: String) throws {
        var body = Substring(text)
        if body.hasPrefix("/") { body = body.dropFirst() }
        if body.isEmpty { components = []; return }
        let parts = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            if part.isEmpty || part == "." || part == ".." {
                throw StoreError.invalidArgument(file: file, path: text,
                                                 reason: "invalid object path (empty, '.' or '..' component)")
            }
            if part.utf8.contains(0) {
                throw StoreError.invalidArgument(file: file, path: text, reason: "object path contains a NUL byte")
            }
        }
        components = parts
    }

    private init(components: [String]) { self.components = components }

    /// True for the root group.
    var isRoot: Bool { components.isEmpty }

    /// The path for messages: components joined by "/", or "/" for the root.
    var display: String { isRoot ? "/" : components.joined(separator: "/") }

    /// The path as HDF5 expects it relative to the file: "." for the root.
    var hdf5Name: String { isRoot ? "." : components.joined(separator: "/") }

    /// The enclosing group (the root is its own parent).
    var parent: StorePath { StorePath(components: Array(components.dropLast())) }

    /// Every proper prefix and the path itself, shortest first (empty for the root).
    var prefixes: [StorePath] {
        components.indices.map { StorePath(components: Array(components.prefix($0 + 1))) }
    }
}
