import CHDF5

extension HDF5Reader {
    /// The attribute names on the group or dataset at `path` (default: the root), sorted.
    public func attributeNames(of path: String = "/") throws -> [String] {
        let file = try file()
        let p = try file.path(path)
        let owner = try file.openAttributeOwner(p)
        let count = H5Aget_num_attrs(owner.id)
        guard count >= 0 else { throw file.failure("list attributes", p) }
        var names: [String] = []
        for index in 0..<hsize_t(count) {
            let pdef = mfg_H5P_DEFAULT()
            let length = H5Aget_name_by_idx(owner.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, pdef)
            guard length >= 0 else { throw file.failure("list attributes", p) }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            let status = H5Aget_name_by_idx(owner.id, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                            &buffer, buffer.count, pdef)
            guard status >= 0 else { throw file.failure("list attributes", p) }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names.sorted()
    }

    /// True if the object at `path` exists and has an attribute called `name`.
    public func hasAttribute(_ name: String, on path: String = "/") -> Bool {
        guard let file = try? file(), let p = try? file.path(path),
              let owner = try? file.openAttributeOwner(p), !name.utf8.contains(0) else { return false }
        return H5Aexists(owner.id, name) > 0
    }

    /// Reads a string attribute (variable- or fixed-length) from the object at `path`.
    public func stringAttribute(_ name: String, on path: String = "/") throws -> String {
        try withAttribute(name, on: path) { file, p, attribute, type, space in
            let info = HDF5TypeInfo(type)
            guard info.isString else { throw mismatch(file, p, name, expected: "string", found: info.name) }
            let count = try scalarCount(file, p, name, space)
            let values = try HDF5Strings.read(count: count, storedType: type, space: space, file: file, path: p) {
                H5Aread(attribute, $0, $1)
            }
            return values[0]
        }
    }

    /// Reads an integer attribute as `Int64` (signed integers, or unsigned narrower than 64 bits).
    public func int64Attribute(_ name: String, on path: String = "/") throws -> Int64 {
        try scalarAttribute(name, on: path, as: Int64.self)
    }

    /// Reads a floating-point attribute as `Double`.
    public func doubleAttribute(_ name: String, on path: String = "/") throws -> Double {
        try scalarAttribute(name, on: path, as: Double.self)
    }

    // MARK: - Helpers

    private func scalarAttribute<T: HDF5Scalar>(_ name: String, on path: String, as: T.Type) throws -> T {
        try withAttribute(name, on: path) { file, p, attribute, type, space in
            let kind = T.hdf5Kind
            let info = HDF5TypeInfo(type)
            guard info.convertsLosslessly(to: kind) else {
                throw mismatch(file, p, name, expected: kind.rawValue, found: info.name)
            }
            _ = try scalarCount(file, p, name, space)
            var bytes = [UInt8](repeating: 0, count: MemoryLayout<T>.size)
            let status = bytes.withUnsafeMutableBytes { H5Aread(attribute, kind.nativeType, $0.baseAddress) }
            try file.check(status, "read attribute '\(name)'", p)
            return bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
        }
    }

    /// Opens attribute `name` on the object at `path` and passes the file, parsed path,
    /// attribute, its stored type and its dataspace to `body`.
    private func withAttribute<R>(_ name: String, on path: String,
                                  _ body: (HDF5File, StorePath, hid_t, hid_t, hid_t) throws -> R) throws -> R {
        let file = try file()
        let p = try file.path(path)
        let owner = try file.openAttributeOwner(p)
        guard !name.utf8.contains(0), H5Aexists(owner.id, name) > 0 else {
            throw StoreError.missingAttribute(file: file.name, path: p.display, name: name)
        }
        let attribute = try file.own(H5Aopen(owner.id, name, mfg_H5P_DEFAULT()), .attribute,
                                     "open attribute '\(name)'", p)
        let type = try file.own(H5Aget_type(attribute.id), .datatype, "read attribute '\(name)'", p)
        let space = try file.own(H5Aget_space(attribute.id), .dataspace, "read attribute '\(name)'", p)
        return try body(file, p, attribute.id, type.id, space.id)
    }

    /// Requires a single-element attribute; returns 1.
    private func scalarCount(_ file: HDF5File, _ p: StorePath, _ name: String, _ space: hid_t) throws -> Int {
        let (shape, count) = try HDF5Dataspace.shape(of: space, file: file, path: p)
        guard count == 1 else {
            throw mismatch(file, p, name, expected: "a single value", found: "shape \(shape)")
        }
        return count
    }

    private func mismatch(_ file: HDF5File, _ p: StorePath, _ name: String,
                          expected: String, found: String) -> StoreError {
        .attributeTypeMismatch(file: file.name, path: p.display, name: name, expected: expected, found: found)
    }
}
