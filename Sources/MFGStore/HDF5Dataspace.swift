import CHDF5

/// Creating dataspaces from shapes and reading shapes back.
enum HDF5Dataspace {
    /// A dataspace for `shape`: scalar for `[]`, simple (fixed size, possibly with
    /// zero-length dimensions) otherwise.
    static func create(shape: [Int], file: HDF5File, path: StorePath) throws -> HDF5Handle {
        if shape.isEmpty {
            return try file.own(H5Screate(H5S_SCALAR), .dataspace, "create dataspace", path)
        }
        let dims = shape.map { hsize_t($0) }
        return try file.own(H5Screate_simple(Int32(dims.count), dims, nil), .dataspace, "create dataspace", path)
    }

    /// The shape and element count of `space`, or a `typeMismatch` for the (rare)
    /// null dataspace, which has no elements and no shape.
    static func shape(of space: hid_t, file: HDF5File, path: StorePath) throws -> (shape: [Int], count: Int) {
        switch H5Sget_simple_extent_type(space) {
        case H5S_SCALAR:
            return ([], 1)
        case H5S_SIMPLE:
            let rank = H5Sget_simple_extent_ndims(space)
            guard rank >= 0 else { throw file.failure("read dataspace", path) }
            var dims = [hsize_t](repeating: 0, count: Int(rank))
            if rank > 0 { try file.check(H5Sget_simple_extent_dims(space, &dims, nil), "read dataspace", path) }
            var shape: [Int] = []
            for d in dims {
                guard let n = Int(exactly: d) else {
                    throw StoreError.typeMismatch(file: file.name, path: path.display,
                                                  expected: "dataset addressable in memory", found: "dimension \(d)")
                }
                shape.append(n)
            }
            guard let count = Shape.elementCount(shape) else {
                throw StoreError.typeMismatch(file: file.name, path: path.display,
                                              expected: "dataset addressable in memory", found: "shape \(shape)")
            }
            return (shape, count)
        default:
            throw StoreError.typeMismatch(file: file.name, path: path.display,
                                          expected: "dataset with a shape", found: "null dataspace")
        }
    }
}
