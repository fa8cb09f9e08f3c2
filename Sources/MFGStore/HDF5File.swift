import CHDF5

/// An open HDF5 file plus the name used for it in error messages. Shared by
/// `HDF5Reader` and `HDF5Writer`; holds the object-lookup helpers both need.
final class HDF5File {
    /// The file identifier.
    let handle: HDF5Handle
    /// The path shown in error messages (the user-facing final path).
    let name: String

    init(handle: HDF5Handle, name: String) {
        self.handle = handle
        self.name = name
    }

    var id: hid_t { handle.id }

    /// Parses an object path, attributing errors to this file.
    func path(_ text: String) throws -> StorePath { try StorePath(text, file: name) }

    /// An error for a failed HDF5 call, carrying HDF5's own innermost message.
    func failure(_ operation: String, _ path: StorePath) -> StoreError {
        .hdf5(file: name, path: path.display, operation: operation, detail: HDF5Runtime.lastErrorDetail())
    }

    /// Throws `failure` unless `status` is non-negative.
    func check(_ status: herr_t, _ operation: String, _ path: StorePath) throws {
        if status < 0 { throw failure(operation, path) }
    }

    /// Wraps an identifier returned by HDF5, throwing if it signals failure.
    func own(_ id: hid_t, _ kind: HDF5Handle.Kind, _ operation: String, _ path: StorePath) throws -> HDF5Handle {
        if id < 0 { throw failure(operation, path) }
        return HDF5Handle(id, kind)
    }

    /// True if a link exists at `path` (checking every intermediate group, since
    /// `H5Lexists` fails rather than answering when a parent is missing).
    func linkExists(_ path: StorePath) -> Bool {
        if path.isRoot { return true }
        for prefix in path.prefixes {
            let status = H5Lexists(id, prefix.hdf5Name, mfg_H5P_DEFAULT())
            if status <= 0 { _ = H5Eclear2(mfg_H5E_DEFAULT()); return false }
        }
        return true
    }

    /// What kind of object lives at an existing path.
    enum ObjectKind { case group, dataset, other }

    /// Opens the object at `path`, or returns nil if nothing is there.
    func openObject(_ path: StorePath) throws -> (HDF5Handle, ObjectKind)? {
        guard linkExists(path) else { return nil }
        let object = try own(H5Oopen(id, path.hdf5Name, mfg_H5P_DEFAULT()), .object, "open object", path)
        switch H5Iget_type(object.id) {
        case H5I_GROUP: return (object, .group)
        case H5I_DATASET: return (object, .dataset)
        default: return (object, .other)
        }
    }

    /// Opens the dataset at `path`, throwing `missing` or `typeMismatch` if there is none.
    func openDataset(_ path: StorePath) throws -> HDF5Handle {
        guard let (object, kind) = try openObject(path) else {
            throw StoreError.missing(file: name, path: path.display, expected: "dataset")
        }
        guard kind == .dataset else {
            throw StoreError.typeMismatch(file: name, path: path.display, expected: "dataset",
                                          found: kind == .group ? "group" : "non-dataset object")
        }
        return object
    }

    /// Opens the group at `path`, throwing `missing` or `typeMismatch` if there is none.
    func openGroup(_ path: StorePath) throws -> HDF5Handle {
        guard let (object, kind) = try openObject(path) else {
            throw StoreError.missing(file: name, path: path.display, expected: "group")
        }
        guard kind == .group else {
            throw StoreError.typeMismatch(file: name, path: path.display, expected: "group",
                                          found: kind == .dataset ? "dataset" : "non-group object")
        }
        return object
    }

    /// Opens any object (group or dataset) that can carry attributes.
    func openAttributeOwner(_ path: StorePath) throws -> HDF5Handle {
        guard let (object, _) = try openObject(path) else {
            throw StoreError.missing(file: name, path: path.display, expected: "object")
        }
        return object
    }
}
