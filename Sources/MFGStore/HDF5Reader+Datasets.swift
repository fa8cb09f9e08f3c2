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

    /// Reads a numeric dataset that must have exactly `shape`; any other shape is refused
    /// (`unexpectedShape`) from the dataset's metadata, before anything is allocated.
    public func read<T: HDF5Scalar>(_ path: String, shape: [Int], as type: T.Type = T.self) throws -> [T] {
        try readNumeric(path, expected: shape).values
    }

    /// Reads a scalar (or one-element) string dataset, variable- or fixed-length, of at most
    /// `maximumBytes` bytes (default: `elementLimit`).
    public func readString(_ path: String, maximumBytes: Int? = nil) throws -> String {
        let strings = try readStrings(path, maximumBytes: maximumBytes)
        guard strings.values.count == 1 else {
            let file = try file()
            throw StoreError.typeMismatch(file: file.name, path: try file.path(path).display,
                                          expected: "a single string", found: "\(strings.values.count) strings with shape \(strings.shape)")
        }
        return strings.values[0]
    }

    /// Reads a string dataset of any shape (variable- or fixed-length strings) of at most
    /// `maximumBytes` bytes in all (default: `elementLimit`), verifying its `crc32` attribute.
    public func readStrings(_ path: String, maximumBytes: Int? = nil) throws -> HDF5Array<String> {
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
        let limit = min(maximumBytes ?? elementLimit, elementLimit)
        func refuse(_ bytes: Int) -> StoreError {
            .tooLarge(file: file.name, path: p.display, size: "\(bytes) bytes of text", limit: "at most \(limit)")
        }
        let allocated = HDF5Strings.storageBytes(count: count, storedType: type.id)
        guard allocated <= limit else { throw refuse(allocated) }
        let values = try HDF5Strings.read(count: count, storedType: type.id, space: space.id, file: file, path: p) {
            H5Dread(dataset.id, $0, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $1)
        }
        let text = values.reduce(0) { $0 + $1.utf8.count }
        guard text <= limit else { throw refuse(text) }
        if count > 0 { try verifyChecksum(of: dataset, at: p, in: file) { CRC32.checksum(strings: values) } }
        return HDF5Array(values: values, shape: shape)
    }

    /// Whether the dataset at `path` carries a checksum (the Fletcher32 filter or a `crc32` attribute).
    public func hasChecksum(_ path: String) throws -> Bool {
        let file = try file()
        let dataset = try file.openDataset(try file.path(path))
        return HDF5Checksums.hasFletcher32(dataset.id) || H5Aexists(dataset.id, HDF5Checksums.attribute) > 0
    }

    // MARK: - Helpers

    /// Reads a numeric dataset, refusing (from its metadata, before allocating) a shape other than
    /// `expected` (when given) and more values than `elementLimit` allows.
    private func readNumeric<T: HDF5Scalar>(_ path: String, expected: [Int]? = nil) throws -> HDF5Array<T> {
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
        if let expected, shape != expected {
            throw StoreError.unexpectedShape(file: file.name, path: p.display, expected: "\(expected)", found: shape)
        }
        guard count <= elementLimit / MemoryLayout<T>.stride else {
            throw StoreError.tooLarge(file: file.name, path: p.display, size: "\(count) values",
                                      limit: "at most \(elementLimit / MemoryLayout<T>.stride), half the memory this process may use")
        }
        guard count > 0 else { return HDF5Array(values: [], shape: shape) }
        let fletcher = HDF5Checksums.hasFletcher32(dataset.id)
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            status = H5Dread(dataset.id, kind.nativeType, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(),
                             buffer.baseAddress)
            // Zero-filled first, so the array is fully initialized even if the read fails.
            initialized = count
        }
        if status < 0 {
            let failure = file.failure("read", p)
            if fletcher, case .hdf5(_, _, _, let detail) = failure, detail.lowercased().contains("checksum")
                || detail.lowercased().contains("fletcher") || detail.lowercased().contains("filter") {
                throw StoreError.checksumMismatch(file: file.name, path: p.display)
            }
            throw failure
        }
        if shape.isEmpty {
            try verifyChecksum(of: dataset, at: p, in: file) { try storedBytesChecksum(dataset, type.id, file, p) }
        } else if !fletcher && declaresChecksums {
            throw StoreError.missingChecksum(file: file.name, path: p.display)
        }
        return HDF5Array(values: values, shape: shape)
    }

    /// Compares the dataset's `crc32` attribute with `computed()`; a dataset without the
    /// attribute passes in files that do not declare checksums and is refused in those that do.
    private func verifyChecksum(of dataset: HDF5Handle, at p: StorePath, in file: HDF5File,
                                _ computed: () throws -> UInt32) throws {
        guard H5Aexists(dataset.id, HDF5Checksums.attribute) > 0 else {
            if declaresChecksums { throw StoreError.missingChecksum(file: file.name, path: p.display) }
            return
        }
        let stored = try int64Attribute(HDF5Checksums.attribute, on: p.display)
        guard stored == Int64(try computed()) else { throw StoreError.checksumMismatch(file: file.name, path: p.display) }
    }

    /// The CRC-32 of a scalar dataset's bytes as stored (read in its own file type).
    private func storedBytesChecksum(_ dataset: HDF5Handle, _ type: hid_t, _ file: HDF5File, _ p: StorePath) throws -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: max(1, Int(H5Tget_size(type))))
        let status = bytes.withUnsafeMutableBytes {
            H5Dread(dataset.id, type, mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $0.baseAddress)
        }
        try file.check(status, "read", p)
        return CRC32.checksum(bytes)
    }
}
