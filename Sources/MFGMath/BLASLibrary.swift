import CBLAS
import CKernels

/// What the linked BLAS reports about itself (OpenBLAS: its build configuration, the core
/// family whose kernels it runs, its thread count).
public enum BLASLibrary {
    /// OpenBLAS's build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// The core family whose kernels run, e.g. "Zen", "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String {
        guard let text = openblas_get_corename() else { return "unknown" }
        return String(cString: text)
    }

    /// Threads OpenBLAS uses now.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}

/// The instruction-set level of the project's own C kernels (CKernels: activations, width-16
/// products, separable units, grid prox), chosen at run time from CPUID and the OS's register
/// state: 0 baseline (SSE2), 1 AVX2, 2 AVX-512.
public enum VectorKernelLevel {
    public static var current: Int { Int(mfg_kernel_level_best()) }
    public static var name: String { ["baseline (SSE2)", "AVX2", "AVX-512"][min(max(current, 0), 2)] }
}
