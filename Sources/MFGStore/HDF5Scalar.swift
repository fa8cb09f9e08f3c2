import CHDF5

/// The numeric element types the store can write and read.
public enum HDF5ScalarKind: String, Sendable, CaseIterable {
    case float64, float32, int64, uint64

    /// The native in-memory HDF5 type for this kind.
    var nativeType: hid_t {
        switch self {
        case .float64: return mfg_H5T_NATIVE_DOUBLE()
        case .float32: return mfg_H5T_NATIVE_FLOAT()
        case .int64: return mfg_H5T_NATIVE_INT64()
        case .uint64: return mfg_H5T_NATIVE_UINT64()
        }
    }

    /// The little-endian standard type used in files for this kind.
    var fileType: hid_t {
        switch self {
        case .float64: return mfg_H5T_IEEE_F64LE()
        case .float32: return mfg_H5T_IEEE_F32LE()
        case .int64: return mfg_H5T_STD_I64LE()
        case .uint64: return mfg_H5T_STD_U64LE()
        }
    }
}

/// An element type that can be stored in a numeric dataset:
/// `Double`, `Float`, `Int64` and `UInt64`.
public protocol HDF5Scalar {
    /// Which HDF5 type the element is stored as (little-endian IEEE float or
    /// two's-complement integer of the same width, as numpy would use).
    static var hdf5Kind: HDF5ScalarKind { get }
}

extension Double: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .float64 } }
extension Float: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .float32 } }
extension Int64: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int64 } }
extension UInt64: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .uint64 } }
