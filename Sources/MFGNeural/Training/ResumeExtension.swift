import MFGProblem

/// Continuing a checkpoint with a larger `training.iterations` (`mfg solve --resume` with
/// `--set training.iterations=N` or an edited file): allowed only when the iterations already
/// run are exactly those of an uninterrupted run of the new length, so that the continued run
/// equals it bit for bit.
///
/// What the trainer reads of the total: the last iteration is always logged (validated, and may
/// become the best iterate), and the second stage (`training.stage2`) starts after
/// `training.iterations`. The learning-rate schedule (`step_decay` counts iterations from the
/// start) and the penalty schedule (`penalties.final.from`/`to` are iteration numbers) do not
/// depend on the total.
public enum ResumeExtension {
    /// Why `state`, saved by a run of `stored`, cannot continue as a run of `current` (the same
    /// problem with another `training.iterations`); nil when it can.
    public static func refusal(stored: Problem, current: Problem, state: TrainingState) -> String? {
        let old = stored.training, new = current.training
        guard new.iterations > old.iterations else {
            return "training.iterations can only grow (the checkpoint's run has \(old.iterations))"
        }
        if old.stage2 != nil || new.stage2 != nil {
            return "training.stage2 starts after training.iterations, so its iterations would move"
        }
        let k = state.iteration
        if k > 0 && k == old.iterations && !new.logs(iteration: k, of: new.iterations) {
            return "iteration \(k) was validated as the last of the checkpoint's run (it may have become the best "
                + "iterate), and a run of \(new.iterations) does not validate it (training.log_every \(new.logEvery))"
        }
        return nil
    }
}
