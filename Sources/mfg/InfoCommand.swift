import ArgumentParser
import Foundation
import MFGMath
import MFGNeural

/// `mfg info`: the version, the BLAS and the kernel it runs, the project's C-kernel level, the
/// CPU and the memory this process may use: what to quote with a timing or a bug report.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the version, the BLAS library and kernel, the C-kernel level, CPU and memory.")

    func run() throws {
        let cpu = CPUDescription.current()
        var lines: [(String, String)] = [("mfg", SoftwareVersion.current)]
        lines.append(("BLAS", BLASLibrary.configuration))
        let best = BLASKernelChoice.bestCore(for: cpu)
        var kernel: String
        switch BLASKernelSelection.outcome {
        case .selected(let selected, let original):
            kernel = "\(BLASLibrary.coreName) (selected by mfg with OPENBLAS_CORETYPE=\(selected): OpenBLAS had chosen "
                + "\(original), a generic kernel on this CPU; set OPENBLAS_CORETYPE yourself to choose)"
        case .userSet(let value):
            kernel = "\(BLASLibrary.coreName) (OPENBLAS_CORETYPE=\(value) set by the user"
            if let level = BLASKernelChoice.level(ofCore: BLASLibrary.coreName), let best,
               let bestLevel = BLASKernelChoice.level(ofCore: best), level < bestLevel {
                kernel += "; warning: this CPU allows \(best)"
            }
            kernel += ")"
        case .kept(let running):
            if let level = BLASKernelChoice.level(ofCore: running), let best,
               let bestLevel = BLASKernelChoice.level(ofCore: best), level < bestLevel {
                kernel = "\(running) (warning: this CPU allows \(best); OPENBLAS_CORETYPE=\(best) may be faster)"
            } else {
                kernel = "\(running) (chosen by OpenBLAS" + (best.map { "; the CPU's best family: \($0))" } ?? ")")
            }
        }
        lines.append(("BLAS kernel", kernel))
        lines.append(("BLAS threads", "\(BLASLibrary.threads) (mfg sets its own: --threads, default 2)"))
        lines.append(("C kernels", "\(VectorKernelLevel.name) (level \(VectorKernelLevel.current) of 0 baseline, 1 AVX2, 2 AVX-512)"))
        var model = cpu.modelName.isEmpty ? "unknown" : cpu.modelName
        var details: [String] = []
        if !cpu.vendor.isEmpty { details.append(cpu.vendor) }
        if let f = cpu.family { details.append("family \(f)") }
        if let m = cpu.model { details.append("model \(m)") }
        if !details.isEmpty { model += " (" + details.joined(separator: ", ") + ")" }
        lines.append(("CPU", model + ", \(cpu.logicalProcessors) logical processors"))
        lines.append(("CPU features", cpu.vectorFeatures.isEmpty ? "none of SSE4.2/AVX/AVX2/AVX-512" : cpu.vectorFeatures.joined(separator: " ")))
        let memory = MemoryLimit.current
        lines.append(("memory", "\(MemoryLimit.format(memory.bytes)) (\(memory.source))"))
        let width = lines.map { $0.0.count }.max() ?? 0
        for (key, value) in lines {
            print(key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value)
        }
    }
}
