import CHDF5

extension HDF5Writer {
    /// Creates the group at `path` and any missing parents ("network/params").
    /// Succeeds if the group already exists; throws `typeMismatch` if a dataset is in the way.
    public func createGroup(_ path: String) throws {
        let file = try file()
        try ensureGroup(try file.path(path), in: file)
    }

    /// Writes a numeric dataset.
    ///
    /// `values` are in row-major (C) order: for shape `[rows, cols]` element `(i, j)`
    /// is `values[i * cols + j]`, and h5py/numpy read it back as an array of that shape.
    /// `shape` defaults to `[values.count]`; `[]` stores a scalar (exactly one value);
    /// zero-length dimensions are allowed. Parent groups are created as needed.
    /// Every dataset carries a checksum (`HDF5Checksums`): arrays the Fletcher32 filter, a
    /// scalar a `crc32` attribute.
    /// Throws `invalidArgument` if the shape does not match the count and
    /// `alreadyExists` if something is already at `path`.
    public func write<T: HDF5Scalar>(_ values: [T], shape: [Int]? = nil, to path: String) throws {
        let file = try file()
        let p = try file.path(path)
        let shape = shape ?? [values.count]
        try checkShape(shape, count: values.count, file: file, path: p)
        let kind = T.hdf5Kind
        let creation = checksums
            ? try HDF5Checksums.creationList(shape: shape, elementSize: MemoryLayout<T>.size, file: file, path: p) : nil
        let dataset = try createDataset(p, shape: shape, fileType: kind.fileType, creation: creation, in: file)
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBytes {
            H5Dwrite(dataset.id, kind.nativeType, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $0.baseAddress)
        }
        try file.check(status, "write", p)
        if checksums && shape.isEmpty {
            try setAttribute(HDF5Checksums.attribute, Int64(CRC32.checksum(scalar: values[0])), on: path)
        }
    }

    /// Writes a scalar string dataset (variable-length UTF-8; h5py returns it as
    /// `bytes` from `ds[()]` and as `str` from `ds.asstr()[()]`).
    public func writeString(_ value: String, to path: String) throws {
        try writeStrings([value], shape: [], to: path)
    }

    /// Writes an array of strings (variable-length UTF-8), by default 1-D with
    /// `values.count` elements; `shape` works as for numeric datasets. The dataset carries the
    /// CRC-32 of its strings as its `crc32` attribute.
    public func writeStrings(_ values: [String], shape: [Int]? = nil, to path: String) throws {
        let file = try file()
        let p = try file.path(path)
        let shape = shape ?? [values.count]
        try checkShape(shape, count: values.count, file: file, path: p)
        try HDF5Strings.validate(values, file, p)
        let type = try HDF5Strings.variableUTF8Type(file, p)
        let dataset = try createDataset(p, shape: shape, fileType: type.id, creation: nil, in: file)
        guard !values.isEmpty else { return }
        let status = try HDF5Strings.withCStrings(values) {
            H5Dwrite(dataset.id, type.id, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $0)
        }
        try file.check(status, "write", p)
        if checksums { try setAttribute(HDF5Checksums.attribute, Int64(CRC32.checksum(strings: values)), on: path) }
    }

    // MARK: - Helpers

    /// Throws unless `shape` is valid and holds exactly `count` elements.
    private func checkShape(_ shape: [Int], count: Int, file: HDF5File, path: StorePath) throws {
        guard let expected = Shape.elementCount(shape) else {
            throw StoreError.invalidArgument(file: file.name, path: path.display,
                                             reason: "invalid shape \(shape) (negative or overflowing dimension)")
        }
        guard expected == count else {
            throw StoreError.invalidArgument(file: file.name, path: path.display,
                                             reason: "shape \(shape) holds \(expected) elements but \(count) values were given")
        }
    }

    /// Creates an empty dataset at `path` after creating its parent groups, with the creation
    /// properties `creation` (chunking and filters; nil: contiguous).
    private func createDataset(_ path: StorePath, shape: [Int], fileType: hid_t, creation: HDF5Handle?,
                               in file: HDF5File) throws -> HDF5Handle {
        guard !path.isRoot else {
            throw StoreError.invalidArgument(file: file.name, path: path.display,
                                             reason: "a dataset cannot be written at the root group")
        }
        try ensureGroup(path.parent, in: file)
        if file.linkExists(path) { throw StoreError.alreadyExists(file: file.name, path: path.display) }
        let space = try HDF5Dataspace.create(shape: shape, file: file, path: path)
        let p = mfg_H5P_DEFAULT()
        return try file.own(H5Dcreate2(file.id, path.hdf5Name, fileType, space.id, p, creation?.id ?? p, p),
                            .dataset, "create dataset", path)
    }

    /// Creates `path` and its missing ancestors as groups.
    func ensureGroup(_ path: StorePath, in file: HDF5File) throws {
        for prefix in path.prefixes {
            if let (_, kind) = try file.openObject(prefix) {
                guard kind == .group else {
                    throw StoreError.typeMismatch(file: file.name, path: prefix.display,
                                                  expected: "group", found: kind == .dataset ? "dataset" : "non-group object")
                }
                continue
            }
            let p = mfg_H5P_DEFAULT()
            _ = try file.own(H5Gcreate2(file.id, prefix.hdf5Name, p, p, p), .group, "create group", prefix)
        }
    }
}
