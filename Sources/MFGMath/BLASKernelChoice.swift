/// Which OpenBLAS kernel family a CPU should run, and whether the one OpenBLAS picked at load
/// time is a generic fallback.
///
/// Debian's OpenBLAS (0.3.21, built with DYNAMIC_ARCH) picks its kernels from the CPU model it
/// knows; on processors newer than the library (e.g. Intel family 6 model 207, AVX-512) it falls
/// back to "Prescott", its SSE3 kernels: dgemm runs about 5× slower (21.5 against 114 GFLOP/s
/// measured on two such cores) and a d = 100 training iteration 1.6× slower. Setting
/// `OPENBLAS_CORETYPE` before the library loads selects a family by name. The rule here only
/// ever *raises* the level: it acts when the running kernel is older than the best family the
/// CPU's features allow and that family's level is AVX2 or more, and never overrides a user's
/// own `OPENBLAS_CORETYPE`. A kernel at the AVX2 level on an AVX-512 CPU (e.g. OpenBLAS's
/// "Zen" on a Zen 4) is left alone: those are tuned kernels, not fallbacks.
public enum BLASKernelChoice {
    /// Instruction-set level of an OpenBLAS x86-64 core name: 0 SSE-only (Prescott, Core2,
    /// Nehalem, Atom, Opteron, Barcelona, …), 1 AVX (Sandybridge, Bulldozer family), 2 AVX2
    /// (Haswell, Zen), 3 AVX-512 (SkylakeX, CooperLake, SapphireRapids); nil for names outside
    /// x86-64 (ARM, POWER, …) or unknown.
    public static func level(ofCore name: String) -> Int? {
        switch name.lowercased() {
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "nano", "opteron",
             "opteron_sse3", "barcelona", "bobcat", "katmai", "coppermine", "northwood", "banias",
             "athlon", "generic":
            return 0
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator":
            return 1
        case "haswell", "zen":
            return 2
        case "skylakex", "cooperlake", "sapphirerapids":
            return 3
        default:
            return nil
        }
    }

    /// The OpenBLAS core name for the best family the CPU's features allow: SkylakeX with the
    /// AVX-512 subsets, else Zen (AMD) or Haswell (others) with AVX2 + FMA, else Sandybridge
    /// with AVX; nil without AVX.
    public static func bestCore(for cpu: CPUDescription) -> String? {
        if cpu.hasAVX512 { return "SkylakeX" }
        if cpu.hasAVX2 { return cpu.vendor == "AuthenticAMD" || cpu.vendor == "HygonGenuine" ? "Zen" : "Haswell" }
        if cpu.hasAVX { return "Sandybridge" }
        return nil
    }

    /// The `OPENBLAS_CORETYPE` to run with, or nil to keep what OpenBLAS chose: nil when the
    /// user set one (`userSetting` not nil), when the running core is unknown (not x86-64) or
    /// already at the CPU's best level, and when the best level is below AVX2 (too little to
    /// gain for a restart).
    public static func recommendedCoreType(cpu: CPUDescription, runningCore: String, userSetting: String?) -> String? {
        if let userSetting, !userSetting.isEmpty { return nil }
        guard let running = level(ofCore: runningCore), let best = bestCore(for: cpu),
              let bestLevel = level(ofCore: best), bestLevel >= 2 else { return nil }
        // An AVX2-level kernel is tuned code; only fallbacks below AVX2 are replaced.
        return running < 2 && running < bestLevel ? best : nil
    }
}
