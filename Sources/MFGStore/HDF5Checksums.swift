import CHDF5

/// Every dataset the store writes carries a checksum, verified whenever it is read, so that a
/// bit flipped on disk or in transit is noticed instead of being trained on:
/// - arrays (non-scalar, non-empty numeric datasets) are chunked and filtered with HDF5's
///   Fletcher32 checksum, which HDF5 itself (and h5py) verifies on every read;
/// - scalars (which HDF5 cannot chunk) and strings (whose bytes live in the file's global heap,
///   outside the dataset) carry a `crc32` attribute (`CRC32`), verified by `HDF5Reader`;
/// - the file's root attribute `checksums` declares this, so that a reader can tell an old file
///   without checksums (read unverified) from a damaged one (a dataset missing its checksum).
/// Files are also written in the HDF5 1.8 object format, whose object headers (and thus the
/// attributes stored in them) carry checksums of their own.
enum HDF5Checksums {
    /// Name and text of the root attribute declaring checksums.
    static let declaration = "checksums"
    static let declarationText = "fletcher32 filter on every array; crc32 attribute on scalars and strings"
    /// The attribute holding a scalar's or a string dataset's CRC-32.
    static let attribute = "crc32"
    /// Bytes per chunk of a checksummed array (far below HDF5's 4 GiB chunk limit).
    static let chunkBytes = 1 << 20

    /// A dataset creation list that chunks an array of `shape` and adds the Fletcher32 filter;
    /// nil for a scalar or an empty array (nothing to chunk).
    static func creationList(shape: [Int], elementSize: Int, file: HDF5File, path: StorePath) throws -> HDF5Handle? {
        guard !shape.isEmpty, !shape.contains(0) else { return nil }
        let list = try file.own(H5Pcreate(mfg_H5P_DATASET_CREATE()), .propertyList, "create dataset properties", path)
        let dims = chunk(shape, elementSize: elementSize).map { hsize_t($0) }
        try file.check(H5Pset_chunk(list.id, Int32(dims.count), dims), "set chunking", path)
        try file.check(H5Pset_fletcher32(list.id), "set the Fletcher32 filter", path)
        return list
    }

    /// Chunk dimensions for `shape`: whole trailing dimensions while they fit in `chunkBytes`,
    /// then as much of the next one as fits, then 1.
    static func chunk(_ shape: [Int], elementSize: Int) -> [Int] {
        var out = [Int](repeating: 1, count: shape.count)
        var bytes = max(1, elementSize)
        for i in shape.indices.reversed() {
            let fit = max(1, chunkBytes / bytes)
            out[i] = min(shape[i], fit)
            guard out[i] == shape[i] else { break }
            bytes *= shape[i]
        }
        return out
    }

    /// Whether the open dataset `dataset` is stored with the Fletcher32 filter.
    static func hasFletcher32(_ dataset: hid_t) -> Bool {
        let list = H5Dget_create_plist(dataset)
        guard list >= 0 else { return false }
        defer { H5Pclose(list) }
        var flags: UInt32 = 0, count = 0
        var name = [CChar](repeating: 0, count: 16)
        var config: UInt32 = 0
        let found = H5Pget_filter_by_id2(list, H5Z_FILTER_FLETCHER32, &flags, &count, nil, name.count, &name, &config) >= 0
        _ = H5Eclear2(mfg_H5E_DEFAULT())
        return found
    }
}
