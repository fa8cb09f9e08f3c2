import MFGNeural

extension Checkpoint {
    /// Writes the checkpoint atomically (to `path.tmp`, then renamed over `path`), every
    /// dataset with its checksum (`HDF5Checksums`).
    public func write(to path: String) throws(CheckpointError) {
        try write(to: path, amending: nil)
    }

    /// `write(to:)`, with `amend` run on the writer before the commit and, without `checksums`,
    /// as a writer from before checksums: the tests' way to make damaged and old checkpoints.
    func write(to path: String, checksums: Bool = true, amending amend: ((HDF5Writer) throws -> Void)?) throws(CheckpointError) {
        do {
            let w = try HDF5Writer(path: path)
            w.checksums = checksums
            try w.setAttribute("format", Checkpoint.formatName)
            try w.setAttribute("format_version", Checkpoint.formatVersion)
            try w.setAttribute("software_version", softwareVersion)
            try w.setAttribute("problem_name", problemName)
            try w.setAttribute("precision", precision)

            try w.writeString(problemSource, to: "problem/source")
            try w.writeString(problemFile, to: "problem/file")

            try w.createGroup("network")
            try w.setAttribute("dimension", shape.dimension, on: "network")
            try w.setAttribute("width", shape.width, on: "network")
            try w.setAttribute("residual_layers", shape.residualLayers, on: "network")
            try w.setAttribute("rank", shape.rank, on: "network")
            try w.setAttribute("step", shape.step, on: "network")
            if !shape.isLegacy {
                // Only for networks with an optional part: a file without them is today's network,
                // and one of today's networks is written exactly as before they existed.
                try w.setAttribute("quadratic", shape.quadratic.rawValue, on: "network")
                try w.setAttribute("time_degree", shape.timeDegree, on: "network")
                try w.setAttribute("separable_width", shape.separableWidth, on: "network")
                try w.setAttribute("time_scale", shape.timeScale, on: "network")
                // Only when present: files without it hold a network without the time-only term.
                if shape.timeTerm { try w.setAttribute("time_term", "polynomial", on: "network") }
                // Likewise: files without it hold fixed separable units (the form is stored as
                // fixed without a separable part).
                if shape.separableForm != .fixed {
                    try w.setAttribute("separable_form", shape.separableForm.rawValue, on: "network")
                }
                if shape.hasSplineSeparable {
                    try w.setAttribute("spline_low", shape.splineRange.lowerBound, on: "network")
                    try w.setAttribute("spline_high", shape.splineRange.upperBound, on: "network")
                }
            }
            try writeParameters(w, state.parameters, group: "network/parameters")
            try writeParameters(w, state.bestParameters, group: "network/best_parameters")

            try w.createGroup("optimizer")
            try w.setAttribute("name", state.optimizer.name, on: "optimizer")
            try w.setAttribute("step", state.optimizer.step, on: "optimizer")
            try w.createGroup("optimizer/vectors")
            for (name, v) in state.optimizer.vectors { try w.write(v, to: "optimizer/vectors/\(name)") }

            try w.createGroup("rng")
            try w.write([seed], to: "rng/seed")
            try w.setAttribute("scheme", "counter-based: batch e drawn from xoshiro256** seeded by (seed, e, batch size)",
                               on: "rng")

            try w.createGroup("training")
            try w.setAttribute("iteration", state.iteration, on: "training")
            try w.setAttribute("total_iterations", totalIterations, on: "training")
            try w.setAttribute("best_iteration", state.bestIteration, on: "training")
            try w.setAttribute("best_validation", state.bestValidation, on: "training")
            try w.setAttribute("wall_seconds", state.wallSeconds, on: "training")
            if let j0 = state.initialObjective { try w.setAttribute("initial_objective", j0, on: "training") }

            let h = state.history
            try w.write(h.iterations.map { Int64($0) }, to: "history/iterations")
            try w.write(h.seconds, to: "history/seconds")
            try w.createGroup("history/training")
            for (name, v) in h.training { try w.write(v, to: "history/training/\(name)") }
            try w.write(h.validationIterations.map { Int64($0) }, to: "history/validation_iterations")
            try w.createGroup("history/validation")
            for (name, v) in h.validation { try w.write(v, to: "history/validation/\(name)") }

            if let summary {
                try w.createGroup("summary")
                for (name, v) in summary.named { try w.setAttribute(name, v, on: "summary") }
                for (list, terms) in [("running", summary.runningByTerm), ("terminal", summary.terminalByTerm)] where !terms.isEmpty {
                    try w.setAttribute("\(list)_terms", terms.map(\.name).joined(separator: ","), on: "summary")
                    for t in terms { try w.setAttribute("\(list)_\(t.name)", t.value, on: "summary") }
                }
                try w.setAttribute("samples", summarySamples, on: "summary")
                try w.setAttribute("wall_seconds", state.wallSeconds, on: "summary")
            }
            if let paths {
                let n = paths.logRho0.count, d = shape.dimension
                try w.write(paths.times, to: "paths/times")
                // z[k] is column-major d × n, i.e. row-major n × d: stack to (steps+1, n, d).
                try w.write(paths.z.flatMap { $0 }, shape: [paths.z.count, n, d], to: "paths/z")
                try w.write(paths.ell.flatMap { $0 }, shape: [paths.ell.count, n], to: "paths/ell")
                try w.write(paths.logRho0, to: "paths/log_rho0")
            }
            try amend?(w)
            try w.commit()
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw .store("\(error)")
        }
    }

    /// Each block under its name, row-major with its natural shape (K0: m × (d+1), w: m, b: scalar).
    private func writeParameters(_ w: HDF5Writer, _ theta: [Double], group: String) throws {
        try w.createGroup(group)
        let layout = ParameterLayout(shape)
        for block in layout.blocks {
            let values = Array(theta[block.range])
            if block.cols > 1 {
                var rowMajor = [Double](repeating: 0, count: block.count)
                for i in 0..<block.rows { for j in 0..<block.cols { rowMajor[i * block.cols + j] = values[i + j * block.rows] } }
                try w.write(rowMajor, shape: [block.rows, block.cols], to: "\(group)/\(block.name)")
            } else {
                try w.write(values, shape: block.shape, to: "\(group)/\(block.name)")
            }
        }
    }
}
