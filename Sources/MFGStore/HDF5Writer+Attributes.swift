import CHDF5

extension HDF5Writer {
    /// Sets a string attribute (variable-length UTF-8; h5py returns it as `str`) on the
    /// group or dataset at `path` (default: the root). An existing attribute of the
    /// same name is replaced.
    public func setAttribute(_ name: String, _ value: String, on path: String = "/") throws {
        let file = try file()
        let p = try file.path(path)
        try HDF5Strings.validate([value], file, p)
        let type = try HDF5Strings.variableUTF8Type(file, p)
        try writeAttribute(name, on: p, in: file, fileType: type.id) { attribute in
            try HDF5Strings.withCStrings([value]) { H5Awrite(attribute, type.id, $0) }
        }
    }

    /// Sets a 64-bit signed integer attribute on the object at `path` (default: the root).
    public func setAttribute(_ name: String, _ value: Int64, on path: String = "/") throws {
        try setScalarAttribute(name, value, on: path)
    }

    /// Sets an integer attribute, stored as int64 (convenience for `Int` values and literals).
    public func setAttribute(_ name: String, _ value: Int, on path: String = "/") throws {
        try setScalarAttribute(name, Int64(value), on: path)
    }

    /// Sets a float64 attribute on the object at `path` (default: the root).
    public func setAttribute(_ name: String, _ value: Double, on path: String = "/") throws {
        try setScalarAttribute(name, value, on: path)
    }

    // MARK: - Helpers

    private func setScalarAttribute<T: HDF5Scalar>(_ name: String, _ value: T, on path: String) throws {
        let file = try file()
        let p = try file.path(path)
        let kind = T.hdf5Kind
        try writeAttribute(name, on: p, in: file, fileType: kind.fileType) { attribute in
            withUnsafeBytes(of: value) { H5Awrite(attribute, kind.nativeType, $0.baseAddress) }
        }
    }

    /// Creates (replacing) scalar attribute `name` on the object at `path` and fills it
    /// with `write(attributeID)`.
    private func writeAttribute(_ name: String, on path: StorePath, in file: HDF5File,
                                fileType: hid_t,
                                _ write: (hid_t) throws -> herr_t) throws {
        guard !name.isEmpty, !name.utf8.contains(0) else {
            throw StoreError.invalidArgument(file: file.name, path: path.display,
                                             reason: "invalid attribute name '\(name)' (empty or containing NUL)")
        }
        let owner = try file.openAttributeOwner(path)
        let exists = H5Aexists(owner.id, name)
        if exists > 0 { try file.check(H5Adelete(owner.id, name), "replace attribute '\(name)'", path) }
        let space = try HDF5Dataspace.create(shape: [], file: file, path: path)
        let p = mfg_H5P_DEFAULT()
        let attribute = try file.own(H5Acreate2(owner.id, name, fileType, space.id, p, p),
                                     .attribute, "create attribute '\(name)'", path)
        try file.check(try write(attribute.id), "write attribute '\(name)'", path)
    }
}
