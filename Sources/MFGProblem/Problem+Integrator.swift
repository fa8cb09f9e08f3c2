extension Problem {
    /// The same problem with another time integration of the characteristics (scheme and
    /// number of steps): for re-evaluating a trained Φ on a finer time grid, which shows how
    /// much of L, F and G is time-discretisation error (the log-determinant ℓ is the sensitive
    /// part). Everything else, including the source text, is kept.
    public func integrated(with settings: IntegratorSettings) -> Problem {
        Problem(name: name, summary: summary, file: file, sourceText: sourceText,
                dimension: dimension, horizon: horizon, kineticWeight: kineticWeight,
                initialDensity: initialDensity, targetDensity: targetDensity,
                obstacles: obstacles, obstacleWeight: obstacleWeight, entropyWeight: entropyWeight, congestion: congestion,
                shapedObstacles: shapedObstacles, interaction: interaction,
                terminal: terminal, penalties: penalties, network: network, integrator: settings,
                training: training, reference: reference, closedForm: closedForm, sigma: sigma,
                kineticWeights: kineticWeights, sigmas: sigmas)
    }
}
