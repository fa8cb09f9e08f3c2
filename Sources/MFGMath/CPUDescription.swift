#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the processor offers, as the operating system reports it (Linux: /proc/cpuinfo; the
/// `flags` line lists only features the kernel enabled, so an AVX-512 flag means the 512-bit
/// registers are saved across context switches). Used to say which BLAS kernel *should* run
/// (`BLASKernelChoice`) and by `mfg info`.
public struct CPUDescription: Sendable, Equatable {
    /// `vendor_id`, e.g. "GenuineIntel", "AuthenticAMD" ("" when unknown).
    public var vendor: String
    /// `model name`, e.g. "AMD EPYC 7B13" ("" when unknown).
    public var modelName: String
    /// `cpu family` and `model` (nil when unknown).
    public var family: Int?
    public var model: Int?
    /// The feature flags, lower case (e.g. "avx2", "fma", "avx512f").
    public var flags: Set<String>
    /// Logical processors listed.
    public var logicalProcessors: Int

    public init(vendor: String, modelName: String, family: Int?, model: Int?, flags: Set<String>, logicalProcessors: Int) {
        self.vendor = vendor; self.modelName = modelName; self.family = family; self.model = model
        self.flags = flags; self.logicalProcessors = logicalProcessors
    }

    /// Parses the text of /proc/cpuinfo: the first processor's fields (the lines before the
    /// first blank line); `logicalProcessors` is the count of `processor` lines unless given.
    /// Unknown or missing fields stay empty.
    public init(cpuinfo text: String, logicalProcessors given: Int? = nil) {
        var vendor = "", modelName = "", family: Int? = nil, model: Int? = nil
        var flags = Set<String>(), processors = 0, first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else {
                if Self.trimmed(line).isEmpty && processors > 0 { first = false }
                continue
            }
            let key = Self.trimmed(line[..<colon])
            let value = Self.trimmed(line[line.index(after: colon)...])
            if key == "processor" { processors += 1; continue }
            guard first else { continue }
            switch key {
            case "vendor_id": vendor = value
            case "model name": modelName = value
            case "cpu family": family = Int(value)
            case "model": model = Int(value)
            case "flags": flags = Set(value.split(separator: " ").map { $0.lowercased() })
            default: break
            }
        }
        self.init(vendor: vendor, modelName: modelName, family: family, model: model,
                  flags: flags, logicalProcessors: given ?? processors)
    }

    /// This machine's description (empty fields where /proc/cpuinfo cannot be read; the
    /// processor count from sysconf, since only the file's first 64 KiB are read).
    public static func current() -> CPUDescription {
        CPUDescription(cpuinfo: MemoryLimit.smallFile("/proc/cpuinfo") ?? "",
                       logicalProcessors: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private static func trimmed(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// All AVX-512 subsets OpenBLAS's SkylakeX kernels use (F, CD, BW, DQ, VL).
    public var hasAVX512: Bool {
        ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    }
    /// AVX2 with FMA3 (what OpenBLAS's Haswell and Zen kernels need).
    public var hasAVX2: Bool { flags.contains("avx2") && flags.contains("fma") }
    /// AVX (Sandy Bridge kernels).
    public var hasAVX: Bool { flags.contains("avx") }

    /// The vector features worth naming, in order ("sse4_2 avx avx2 fma avx512f …").
    public var vectorFeatures: [String] {
        ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"]
            .filter(flags.contains)
    }
}
