import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversion between Swift strings and HDF5 string storage.
///
/// Strings are written as variable-length, UTF-8-tagged HDF5 strings (what h5py itself
/// creates for Python `str`). Both variable- and fixed-length strings are read back;
/// fixed-length values are cut at the first NUL (and trailing spaces removed for
/// space-padded types). Invalid UTF-8 is repaired with U+FFFD rather than rejected.
enum HDF5Strings {
    /// A new variable-length UTF-8 string datatype.
    static func variableUTF8Type(_ file: HDF5File, _ path: StorePath) throws -> HDF5Handle {
        let type = try file.own(H5Tcopy(mfg_H5T_C_S1()), .datatype, "create string type", path)
        try file.check(H5Tset_size(type.id, mfg_H5T_VARIABLE()), "create string type", path)
        try file.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "create string type", path)
        return type
    }

    /// Rejects strings HDF5 cannot store as C strings.
    static func validate(_ strings: [String], _ file: HDF5File, _ path: StorePath) throws {
        for s in strings where s.utf8.contains(0) {
            throw StoreError.invalidArgument(file: file.name, path: path.display,
                                             reason: "string contains a NUL byte, which HDF5 strings cannot hold")
        }
    }

    /// Calls `body` with a buffer of `count` C-string pointers holding copies of
    /// `strings`, freeing the copies afterwards.
    static func withCStrings<R>(_ strings: [String],
                                _ body: (UnsafeRawPointer) throws -> R) throws -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for p in copies { free(p) } }
        // A zero-length array still needs a valid (unused) address.
        let buffer = copies.isEmpty ? [nil] : copies
        return try buffer.withUnsafeBufferPointer { try body(UnsafeRawPointer($0.baseAddress!)) }
    }

    /// The bytes reading `count` strings stored with `storedType` allocates before their text is
    /// seen: fixed-length strings all of their bytes, variable-length ones a pointer each (their
    /// text lives in the file's heap, so it is bounded by the file's own size; its length is
    /// checked once read). HDF5 1.10's `H5Dvlen_get_buf_size` would measure the text first, but
    /// it crashes on scalar datasets.
    static func storageBytes(count: Int, storedType: hid_t) -> Int {
        let size = H5Tis_variable_str(storedType) > 0 ? MemoryLayout<UnsafeRawPointer>.size : Int(H5Tget_size(storedType))
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        return overflow ? Int.max : total
    }

    /// Reads `count` strings stored with file type `storedType` in dataspace `space`.
    /// `read(memoryType, buffer)` performs the actual `H5Dread`/`H5Aread`.
    static func read(count: Int, storedType: hid_t, space: hid_t, file: HDF5File, path: StorePath,
                     _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        if count == 0 { return [] }
        if H5Tis_variable_str(storedType) > 0 {
            let memoryType = try variableUTF8Type(file, path)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBufferPointer { read(memoryType.id, UnsafeMutableRawPointer($0.baseAddress!)) }
            try file.check(status, "read strings", path)
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            _ = pointers.withUnsafeMutableBufferPointer {
                H5Dvlen_reclaim(memoryType.id, space, mfg_H5P_DEFAULT(), $0.baseAddress)
            }
            return strings
        }
        let memoryType = try file.own(H5Tcopy(storedType), .datatype, "read strings", path)
        let size = Int(H5Tget_size(storedType))
        guard size > 0, case (let total, false) = size.multipliedReportingOverflow(by: count) else {
            throw StoreError.typeMismatch(file: file.name, path: path.display,
                                          expected: "string", found: "string of invalid size")
        }
        let spacePadded = H5Tget_strpad(storedType) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: total)
        let status = bytes.withUnsafeMutableBytes { read(memoryType.id, $0.baseAddress!) }
        try file.check(status, "read strings", path)
        return (0..<count).map { i in
            var element = bytes[(i * size)..<((i + 1) * size)]
            if let nul = element.firstIndex(of: 0) { element = element[..<nul] }
            if spacePadded { while element.last == 0x20 { element = element.dropLast() } }
            return String(decoding: element, as: UTF8.self)
        }
    }
}
