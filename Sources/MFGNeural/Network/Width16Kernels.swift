/// Namespace of the width m = 16 paths whose bodies are generic over a SIMD16 vector type V
/// (SIMD16<Float> or SIMD16<Double>): one whole 16-row column of a per-sample Jacobian per
/// vector, so there are no aliasing checks per 16-element inner loop. The layer-k Jacobian
/// sweeps themselves are C kernels (CKernels/Width16Jacobian.c, called through `W16`);
/// `Width16TraceReverse.swift` holds the layer-0 reverse pass.
enum Width16 {
    @inline(__always)
    static func load<V: SIMD>(_: V.Type, _ ptr: UnsafeRawPointer) -> V { ptr.loadUnaligned(as: V.self) }
}
