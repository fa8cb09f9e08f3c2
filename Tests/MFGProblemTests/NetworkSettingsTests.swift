import Testing
@testable import MFGProblem

/// The `network:` section's optional parts: defaults, values and their errors.
@Suite("Problem file: network section")
struct NetworkSettingsTests {
    static func yaml(dimension d: Int = 3, network: String?) -> String {
        var text = """
        name: t
        dimension: \(d)
        horizon: 2
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: {head: [-1], rest: 0}, variance: 0.3}
        target_density: {type: gaussian, mean: {head: [1], rest: 0}, variance: 1}
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
        if let network { text += "\nnetwork: \(network)" }
        return text
    }

    func message(_ yaml: String) -> String? { ProblemErrorTests().message(yaml) }

    /// A file that says nothing about the new parts gets exactly today's network.
    @Test func defaultsAreTodaysNetwork() throws {
        for network in [nil, "{width: 8}"] {
            let p = try Problem.parse(yaml: Self.yaml(network: network), file: "x.yaml")
            #expect(p.network.quadratic == .none)
            #expect(p.network.separableWidth == 0)
            #expect(p.network.timeDegree == 2)
        }
        let p = try Problem.parse(yaml: Self.yaml(network: nil), file: "x.yaml")
        #expect(p.network == NetworkSettings.defaults(dimension: 3))
    }

    @Test func valuesAreRead() throws {
        let p = try Problem.parse(yaml: Self.yaml(network: "{quadratic: full, time_degree: 4, separable_width: 64}"),
                                  file: "x.yaml")
        #expect(p.network.quadratic == .full && p.network.timeDegree == 4 && p.network.separableWidth == 64)
        let q = try Problem.parse(yaml: Self.yaml(network: "{quadratic: diagonal, time_degree: 0}"), file: "x.yaml")
        #expect(q.network.quadratic == .diagonal && q.network.timeDegree == 0 && q.network.separableWidth == 0)
    }

    @Test func badValuesAreRefused() {
        #expect(message(Self.yaml(network: "{quadratic: dense}"))
                == "problems/x.yaml: network.quadratic: unknown value 'dense' (allowed: none, diagonal, full)")
        #expect(message(Self.yaml(network: "{time_degree: 5}"))
                == "problems/x.yaml: network.time_degree: 5 is out of range (allowed: 0...4)")
        #expect(message(Self.yaml(network: "{time_degree: -1}"))
                == "problems/x.yaml: network.time_degree: -1 is out of range (allowed: 0...4)")
        #expect(message(Self.yaml(network: "{separable_width: 65}"))
                == "problems/x.yaml: network.separable_width: 65 is out of range (allowed: 0...64)")
        #expect(message(Self.yaml(network: "{separable_width: 2.5}"))
                == "problems/x.yaml: network.separable_width: expected an integer, got '2.5'")
        let unknown = message(Self.yaml(network: "{separable: 4}")) ?? ""
        #expect(unknown == "problems/x.yaml: network: unknown key 'separable' (allowed: width, residual_layers, rank, "
                + "step, quadratic, time_degree, separable_width, separable_form, time_term, spline_range)", "\(unknown)")
    }

    /// `separable_form` picks the separable units' form (default `fixed`); `time_scaled` needs
    /// separable units, and other values are refused in one line naming the file and the field.
    @Test func separableFormIsRead() throws {
        let p = try Problem.parse(yaml: Self.yaml(network: "{separable_width: 4, separable_form: time_scaled}"),
                                  file: "x.yaml")
        #expect(p.network.separableForm == .timeScaled && p.network.separableWidth == 4)
        let q = try Problem.parse(yaml: Self.yaml(network: "{separable_width: 4}"), file: "x.yaml")
        #expect(q.network.separableForm == .fixed)
        let r = try Problem.parse(yaml: Self.yaml(network: "{separable_form: fixed}"), file: "x.yaml")
        #expect(r.network.separableForm == .fixed)
        #expect(message(Self.yaml(network: "{separable_form: time_scaled}"))
                == "problems/x.yaml: network.separable_form: 'time_scaled' shapes the separable units: "
                + "set network.separable_width to 1 or more")
        #expect(message(Self.yaml(network: "{separable_width: 2, separable_form: scaled}"))
                == "problems/x.yaml: network.separable_form: unknown value 'scaled' (allowed: fixed, time_scaled, spline)")
        #expect(message(Self.yaml(network: "{separable_width: 2, separable_form: 1}"))
                == "problems/x.yaml: network.separable_form: unknown value '1' (allowed: fixed, time_scaled, spline)")
    }

    /// The spline form takes `spline_range: [low, high]` (default [−4, 4]); the range is refused
    /// for another form, with low ≥ high, or with a count other than two.
    @Test func splineRangeIsRead() throws {
        let p = try Problem.parse(yaml: Self.yaml(network: "{separable_width: 12, separable_form: spline, spline_range: [-3, 2.5]}"),
                                  file: "x.yaml")
        #expect(p.network.separableForm == .spline && p.network.splineRange == -3...2.5)
        let q = try Problem.parse(yaml: Self.yaml(network: "{separable_width: 12, separable_form: spline}"), file: "x.yaml")
        #expect(q.network.splineRange == -4...4)
        #expect(message(Self.yaml(network: "{separable_width: 2, spline_range: [-1, 1]}"))
                == "problems/x.yaml: network.spline_range: the knots' interval is used only by network.separable_form: spline")
        #expect(message(Self.yaml(network: "{separable_width: 2, separable_form: spline, spline_range: [1, 1]}"))
                == "problems/x.yaml: network.spline_range: must be [low, high] with low < high, both finite; got [1.0, 1.0]")
        #expect(message(Self.yaml(network: "{separable_width: 2, separable_form: spline, spline_range: [1]}"))?
                    .hasPrefix("problems/x.yaml: network.spline_range: ") == true)
    }

    /// `time_term: polynomial` adds c(t) on the quadratic part's time basis; without a
    /// quadratic part it is refused, and the default is none.
    @Test func timeTermIsRead() throws {
        let p = try Problem.parse(yaml: Self.yaml(network: "{quadratic: full, time_degree: 4, time_term: polynomial}"),
                                  file: "x.yaml")
        #expect(p.network.timeTerm == .polynomial)
        let q = try Problem.parse(yaml: Self.yaml(network: "{quadratic: diagonal}"), file: "x.yaml")
        #expect(q.network.timeTerm == .none)
        #expect(message(Self.yaml(network: "{time_term: polynomial}"))
                == "problems/x.yaml: network.time_term: 'polynomial' uses the quadratic part's time basis: "
                + "set network.quadratic to 'diagonal' or 'full'")
        #expect(message(Self.yaml(network: "{quadratic: full, time_term: yes}"))
                == "problems/x.yaml: network.time_term: unknown value 'yes' (allowed: none, polynomial)")
    }

    /// `full` holds d²(p + 1) values: 295² · 3 = 261 075 fit under 2¹⁸ = 262 144, 296² · 3 do not;
    /// `diagonal` has no such limit.
    @Test func fullQuadraticSizeLimit() throws {
        _ = try Problem.parse(yaml: Self.yaml(dimension: 295, network: "{quadratic: full}"), file: "x.yaml")
        #expect(message(Self.yaml(dimension: 296, network: "{quadratic: full}"))
                == "problems/x.yaml: network.quadratic: 'full' needs d²·(time_degree + 1) = 296²·3 values, "
                + "more than the limit 262144; use 'diagonal' or a lower time_degree")
        _ = try Problem.parse(yaml: Self.yaml(dimension: 512, network: "{quadratic: full, time_degree: 0}"), file: "x.yaml")
        _ = try Problem.parse(yaml: Self.yaml(dimension: 2000, network: "{quadratic: diagonal, time_degree: 4}"),
                              file: "x.yaml")
        #expect(!NetworkSettings.fullQuadraticFits(dimension: Int.max / 2, timeDegree: 4))
    }
}
