import CHDF5

extension HDF5Reader {
    /// The shape of the dataset at `path` (`[]` for a scalar).
    public func shape(of path: String) throws -> [Int] {
        let file = try file()
        let p = try file.path(path)
        let dataset = try file.openDataset(p)
        let space = try file.own(H5Dget_space(dataset.id), .dataspace, "read dataspace", p)
        return try HDF5Dataspace.shape(of: space.id, file: file, path: p).shape
    }

    /// Reads a floating-point dataset as `Double` (float32 storage is widened exactly).
    /// Throws `typeMismatch` for integer, string or other datasets.
    public func readDoubles(_ path: String) throws -> HDF5Array<Double> { try readNumeric(path) }

    /// Reads a float32 dataset as `Float`; float64 storage is refused (it would lose precision).
    public func readFloats(_ path: String) throws -> HDF5Array<Float> { try readNumeric(path) }

    /// Reads an integer dataset as `Int64`. Signed integers of any width and unsigned
    /// integers narrower than 64 bits are accepted; uint64 and non-integers are refused.
    public func readInt64s(_ path: String) throws -> HDF5Array<Int64> { try readNumeric(path) }

    /// Reads an unsigned integer dataset as `UInt64`; signed and non-integer storage is refused.
    public func readUInt64s(_ path: String) throws -> HDF5Array<UInt64> { try readNumeric(path) }

    /// Reads a dataset of any supported numeric type `T` (see the typed readers for
    /// which stored types each accepts).
    public func read<T: HDF5Scalar>(_ path: String, as type: T.Type = T.self) throws -> HDF5Array<T> {
        try readNumeric(path)
    }

    /// Reads a scalar (or one-element) string dataset, variable- or fixed-length.
    public func readString(_ path: String) throws -> String {
        let strings = try readStrings(path)
        guard strings.values.count == 1 else {
            let file = try file()
            throw StoreError.typeMismatch(file: file.name, path: try file.path(path).display,
                                          expected: "a single string", found: "\(strings.values.count) strings with shape \(strings.shape)")
        }
        return strings.values[0]
    }

    /// Reads a string dataset of any shape (variable- or fixed-length strings).
    public func readStrings(_ path: String) throws -> HDF5Array<String> {
        let file = try file()
        let p = try file.path(path)
        let dataset = try file.openDataset(p)
        let type = try file.own(H5Dget_type(dataset.id), .datatype, "read datatype", p)
        let info = HDF5TypeInfo(type.id)
        guard info.isString else {
            throw StoreError.typeMismatch(file: file.name, path: p.display,
                                          expected: "string dataset", found: "\(info.name) dataset")
        }
        let space = try file.own(H5Dget_space(dataset.id), .dataspace, "read dataspace", p)
        let (shape, count) = try HDF5Dataspace.shape(of: space.id, file: file, path: p)
        let values = try HDF5Strings.read(count: count, storedType: type.id, space: space.id, file: file, path: p) {
            H5Dread(dataset.id, $0, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $1)
        }
        return HDF5Array(values: values, shape: shape)
    }

    // MARK: - Helpers

    private func readNumeric<T: HDF5Scalar>(_ path: String) throws -> HDF5Array<T> {
        let file = try file()
        let p = try file.path(path)
        let dataset = try file.openDataset(p)
        let type = try file.own(H5Dget_type(dataset.id), .datatype, "read datatype", p)
        let info = HDF5TypeInfo(type.id)
        let kind = T.hdf5Kind
        guard info.convertsLosslessly(to: kind) else {
            throw StoreError.typeMismatch(file: file.name, path: p.display,
                                          expected: "\(kind.rawValue) dataset", found: "\(info.name) dataset")
        }
        let space = try file.own(H5Dget_space(dataset.id), .dataspace, "read dataspace", p)
        let (shape, count) = try HDF5Dataspace.shape(of: space.id, file: file, path: p)
        guard count > 0 else { return HDF5Array(values: [], shape: shape) }
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            status = H5Dread(dataset.id, kind.nativeType, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(),
                             buffer.baseAddress)
            // Zero-filled first, so the array is fully initialized even if the read fails.
            initialized = count
        }
        try file.check(status, "read", p)
        return HDF5Array(values: values, shape: shape)
    }
}
