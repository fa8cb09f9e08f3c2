/// CRC-32 (the polynomial 0xEDB88320 of zlib, PNG and Ethernet; Python's `zlib.crc32`), the
/// checksum of datasets HDF5's Fletcher32 filter cannot cover: scalars (which cannot be chunked)
/// and strings (whose bytes live in the global heap, outside the dataset's own storage).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `bytes`, continuing from `crc` (0 to start), as `zlib.crc32(bytes, crc)`.
    static func checksum<S: Sequence>(_ bytes: S, continuing crc: UInt32 = 0) -> UInt32 where S.Element == UInt8 {
        var c = ~crc
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    /// The checksum of a string dataset: its strings' UTF-8 bytes, each followed by a NUL
    /// (for one string s, `zlib.crc32(s.encode() + b"\0")`).
    static func checksum(strings: [String]) -> UInt32 {
        var crc: UInt32 = 0
        for s in strings { crc = checksum(Array(s.utf8) + [0], continuing: crc) }
        return crc
    }

    /// The checksum of a numeric scalar: its little-endian bytes as stored
    /// (`zlib.crc32(np.float64(x).astype('<f8').tobytes())`).
    static func checksum<T: HDF5Scalar>(scalar value: T) -> UInt32 {
        withUnsafeBytes(of: value) { checksum(Array($0)) }   // the hosts we build for are little-endian
    }
}
