import Testing
import MFGMath

/// The rule that restarts `mfg` with OPENBLAS_CORETYPE, on recorded CPU descriptions (the
/// flags lines of real machines, shortened to the fields the rule reads).
@Suite("BLAS kernel choice")
struct BLASKernelChoiceTests {
    static let avx512 = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16"
    static let avx2 = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2"

    static func cpu(vendor: String, family: Int, model: Int, flags: String, processors: Int = 2) -> CPUDescription {
        var text = ""
        for p in 0..<processors {
            text += "processor\t: \(p)\nvendor_id\t: \(vendor)\ncpu family\t: \(family)\nmodel\t\t: \(model)\n"
            text += "model name\t: Test CPU \(family)/\(model)\nflags\t\t: \(flags)\n\n"
        }
        return CPUDescription(cpuinfo: text)
    }

    /// The /proc/cpuinfo parser reads the first processor's fields and counts the processors.
    @Test func parsesProcCPUInfo() {
        let c = Self.cpu(vendor: "GenuineIntel", family: 6, model: 207, flags: Self.avx512, processors: 3)
        #expect(c.vendor == "GenuineIntel" && c.family == 6 && c.model == 207)
        #expect(c.modelName == "Test CPU 6/207" && c.logicalProcessors == 3)
        #expect(c.hasAVX512 && c.hasAVX2 && c.hasAVX)
        #expect(c.vectorFeatures.first == "sse4_2" && c.vectorFeatures.contains("avx512vl"))
    }

    /// The case of the issue: Intel family 6 model 207 (AVX-512) on which Debian's OpenBLAS
    /// 0.3.21 runs its generic Prescott kernels: restart with SkylakeX, unless the user chose.
    @Test func newIntelOnPrescottGetsSkylakeX() {
        let c = Self.cpu(vendor: "GenuineIntel", family: 6, model: 207, flags: Self.avx512)
        #expect(BLASKernelChoice.bestCore(for: c) == "SkylakeX")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: c, runningCore: "Prescott", userSetting: nil) == "SkylakeX")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: c, runningCore: "Prescott", userSetting: "Haswell") == nil)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: c, runningCore: "Prescott", userSetting: "") == "SkylakeX")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: c, runningCore: "SkylakeX", userSetting: nil) == nil)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: c, runningCore: "Nehalem", userSetting: nil) == "SkylakeX")
    }

    /// AVX2 machines: AMD gets Zen, Intel Haswell, when a pre-AVX2 kernel runs; a tuned kernel
    /// (Zen on Zen 3, Haswell on Haswell) is kept.
    @Test func avx2MachinesGetTheirFamily() {
        let zen3 = Self.cpu(vendor: "AuthenticAMD", family: 25, model: 1, flags: Self.avx2)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: zen3, runningCore: "Zen", userSetting: nil) == nil)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: zen3, runningCore: "Prescott", userSetting: nil) == "Zen")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: zen3, runningCore: "Barcelona", userSetting: nil) == "Zen")
        let haswell = Self.cpu(vendor: "GenuineIntel", family: 6, model: 63, flags: Self.avx2)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: haswell, runningCore: "Haswell", userSetting: nil) == nil)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: haswell, runningCore: "Sandybridge", userSetting: nil) == "Haswell")
    }

    /// Left alone: an AVX2-level kernel on an AVX-512 CPU (OpenBLAS's Zen on Zen 4 is tuned code,
    /// not a fallback), a CPU whose best is AVX (Sandy Bridge: too little to gain), a running
    /// core outside x86-64 or unknown, a CPU without AVX.
    @Test func leftAlone() {
        let zen4 = Self.cpu(vendor: "AuthenticAMD", family: 25, model: 17, flags: Self.avx512)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: zen4, runningCore: "Zen", userSetting: nil) == nil)
        let sandy = Self.cpu(vendor: "GenuineIntel", family: 6, model: 42, flags: "fpu sse sse2 sse4_2 avx")
        #expect(BLASKernelChoice.bestCore(for: sandy) == "Sandybridge")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: sandy, runningCore: "Prescott", userSetting: nil) == nil)
        let arm = CPUDescription(cpuinfo: "processor\t: 0\nFeatures\t: fp asimd\n")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: arm, runningCore: "NEOVERSEN1", userSetting: nil) == nil)
        let intel = Self.cpu(vendor: "GenuineIntel", family: 6, model: 207, flags: Self.avx512)
        #expect(BLASKernelChoice.recommendedCoreType(cpu: intel, runningCore: "SomethingNew", userSetting: nil) == nil)
        let old = Self.cpu(vendor: "GenuineIntel", family: 6, model: 15, flags: "fpu sse sse2 ssse3")
        #expect(BLASKernelChoice.recommendedCoreType(cpu: old, runningCore: "Core2", userSetting: nil) == nil)
    }

    /// The linked library answers (what `mfg info` prints): a configuration naming OpenBLAS and
    /// a core name the rule knows on x86-64.
    @Test func linkedLibraryReports() {
        #expect(BLASLibrary.configuration.contains("OpenBLAS"))
        #if arch(x86_64)
        #expect(BLASKernelChoice.level(ofCore: BLASLibrary.coreName) != nil)
        #endif
        #expect((0...2).contains(VectorKernelLevel.current))
    }
}
