import CHDF5

/// A description of a stored HDF5 datatype, used to check that a read asks for a
/// compatible type and to name the stored type in error messages.
struct HDF5TypeInfo {
    enum Category: Equatable {
        case float(bytes: Int)
        case signed(bytes: Int)
        case unsigned(bytes: Int)
        case variableString
        case fixedString(bytes: Int)
        case other(String)
    }

    let category: Category

    /// Inspects the datatype `type`.
    init(_ type: hid_t) {
        let size = Int(H5Tget_size(type))
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            category = .float(bytes: size)
        case H5T_INTEGER:
            category = H5Tget_sign(type) == H5T_SGN_NONE ? .unsigned(bytes: size) : .signed(bytes: size)
        case H5T_STRING:
            category = H5Tis_variable_str(type) > 0 ? .variableString : .fixedString(bytes: size)
        case H5T_COMPOUND: category = .other("compound")
        case H5T_ENUM: category = .other("enum")
        case H5T_ARRAY: category = .other("array")
        case H5T_VLEN: category = .other("variable-length sequence")
        case H5T_OPAQUE: category = .other("opaque")
        case H5T_BITFIELD: category = .other("bitfield")
        case H5T_REFERENCE: category = .other("reference")
        case H5T_TIME: category = .other("time")
        default: category = .other("unknown type")
        }
    }

    /// A short name such as "float32", "int64", "string" or "compound".
    var name: String {
        switch category {
        case .float(let b): return "float\(b * 8)"
        case .signed(let b): return "int\(b * 8)"
        case .unsigned(let b): return "uint\(b * 8)"
        case .variableString: return "string"
        case .fixedString(let b): return "fixed-length string (\(b) bytes)"
        case .other(let s): return s
        }
    }

    var isString: Bool {
        switch category {
        case .variableString, .fixedString: return true
        default: return false
        }
    }

    /// Whether reading this stored type into `kind` is exact (no truncation, no sign
    /// loss): any float into float64, float32 or smaller into float32, signed integers
    /// and unsigned integers narrower than 64 bits into int64, unsigned into uint64.
    func convertsLosslessly(to kind: HDF5ScalarKind) -> Bool {
        switch (category, kind) {
        case (.float, .float64): return true
        case (.float(let b), .float32): return b <= 4
        case (.signed(let b), .int64): return b <= 8
        case (.unsigned(let b), .int64): return b < 8
        case (.unsigned(let b), .uint64): return b <= 8
        default: return false
        }
    }
}
