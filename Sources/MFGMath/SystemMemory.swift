#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory this process may use, so that a computation sized by a file (a problem, a
/// checkpoint) can be refused before it allocates instead of dying in the allocator.
///
/// The limit is the smallest of
/// - the machine's physical memory (`MemTotal` of /proc/meminfo, else sysconf's page count);
/// - the cgroup limit of a container or batch job (`memory.max`, cgroup v2; `memory.limit_in_bytes`, v1);
/// - the address-space limit (`ulimit -v`, RLIMIT_AS) less what the process has mapped already
///   (its `VmSize`: libraries, thread stacks and reserved heap arenas count against that limit).
public struct MemoryLimit: Sendable, Equatable {
    public let bytes: Double
    /// What sets it, for messages: "physical memory", "cgroup limit", "address-space limit (ulimit -v)".
    public let source: String

    public init(bytes: Double, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The limit of this process now.
    public static var current: MemoryLimit {
        var limits: [MemoryLimit] = []
        if let total = meminfo("MemTotal") {
            limits.append(MemoryLimit(bytes: total, source: "physical memory"))
        } else {
            let pages = Double(sysconf(Int32(_SC_PHYS_PAGES))), size = Double(sysconf(Int32(_SC_PAGESIZE)))
            if pages > 0 && size > 0 { limits.append(MemoryLimit(bytes: pages * size, source: "physical memory")) }
        }
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = smallFile(file), let v = Double(text.trimmingCharacters()), v > 0, v < 1e18 {
                limits.append(MemoryLimit(bytes: v, source: "cgroup limit"))
                break
            }
        }
        var rl = rlimit()
        if getrlimit(RLIMIT_AS_VALUE, &rl) == 0, rl.rlim_cur != rlim_t.max {
            let mapped = virtualSize() ?? 0
            limits.append(MemoryLimit(bytes: max(0, Double(rl.rlim_cur) - mapped), source: "address-space limit (ulimit -v)"))
        }
        return limits.min { $0.bytes < $1.bytes } ?? MemoryLimit(bytes: .infinity, source: "no known limit")
    }

    /// "1.5 GiB", "320 MiB", "12 KiB": binary units, three significant digits at most.
    public static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(Int(v)) bytes" }
        let digits = v >= 100 ? 0 : v >= 10 ? 1 : 2
        var text = decimals(v, digits)
        while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
        return "\(text) \(units[u])"
    }

    /// `v` ≥ 0 with `digits` decimals (this module does without Foundation).
    private static func decimals(_ v: Double, _ digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let units = Int((v * Double(scale)).rounded())
        guard digits > 0 else { return "\(units)" }
        var fraction = String(units % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(units / scale).\(fraction)"
    }

    /// A `key: N kB` line of /proc/meminfo, in bytes.
    private static func meminfo(_ key: String) -> Double? {
        guard let text = smallFile("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Double(fields[1]) { return kb * 1024 }
        }
        return nil
    }

    /// Bytes mapped by this process (the first field of /proc/self/statm, in pages).
    private static func virtualSize() -> Double? {
        guard let text = smallFile("/proc/self/statm"), let pages = text.split(separator: " ").first.flatMap({ Double($0) })
        else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The text of a small kernel-provided file (its first 64 KiB), or nil.
    static func smallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 65536)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n <= 0 { break }
            filled += n
        }
        return String(decoding: bytes[..<filled], as: UTF8.self)
    }
}

#if canImport(Glibc)
private let RLIMIT_AS_VALUE = __rlimit_resource_t(RLIMIT_AS.rawValue)
#else
private let RLIMIT_AS_VALUE = RLIMIT_AS
#endif

private extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
