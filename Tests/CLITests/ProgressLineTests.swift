import Foundation
import Testing
import MFGNeural
@testable import mfg

/// The training progress line: on an 80-column terminal a redraw must not wrap, so the line
/// fits 79 columns with the objective, the validation objective and the time left.
@Suite struct ProgressLineTests {
    /// A late second-stage iteration of a long run with large, negative and tiny terms.
    static func largeProgress() -> TrainingProgress {
        var t = ObjectiveTerms()
        t.total = -123_456.7; t.kinetic = 98_765.43; t.interaction = -2.5e-7; t.terminal = -222_222.2
        t.hjb = 1.234e-4; t.terminalHJB = 12_345.6
        return TrainingProgress(iteration: 99_999, totalIterations: 100_000, training: t, validation: t,
                                iterationsPerSecond: 0.001234, secondsLeft: 360_000, stage: 2, batchSize: 65_536)
    }

    @Test func fitsSeventyNineColumnsWithLargeNumbers() {
        let line = ProgressLine(Self.largeProgress(), validation: -123_456.7)
        let text = line.text(width: 79)
        #expect(text.count <= 79, "\(text.count): \(text)")
        #expect(text.hasPrefix("it 99999/100000 stage 2  J -1.235e+05  val J -1.235e+05  left 100h00m"), "\(text)")
        // Every field, in a log file, is longer than a terminal line.
        #expect(line.text().count > 79)
        #expect(line.text().hasSuffix("tHJB 1.235e+04  0.001234 it/s"), "\(line.text())")
    }

    /// Fields are left out whole, from the end; the iteration is kept even on a very narrow terminal.
    @Test func dropsWholeFieldsFromTheEnd() {
        let line = ProgressLine(Self.largeProgress(), validation: nil)
        for width in [1, 20, 30, 40, 60, 79, 100, 200] {
            let text = line.text(width: width)
            #expect(text.count <= max(width, line.fields[0].count), "\(width): \(text)")
            #expect(line.text().hasPrefix(text))
            #expect(line.fields.contains { text.hasSuffix($0) }, "\(width): cut inside a field: \(text)")
        }
        #expect(line.text(width: 1) == "it 99999/100000 stage 2")
        #expect(!line.text().contains("val J"))
    }

    /// Without a terminal size (standard output is not a terminal here), $COLUMNS decides.
    @Test(.enabled(if: isatty(STDOUT_FILENO) == 0)) func widthFromColumnsWhenNotATerminal() {
        let saved = ProcessInfo.processInfo.environment["COLUMNS"]
        defer { if let saved { setenv("COLUMNS", saved, 1) } else { unsetenv("COLUMNS") } }
        setenv("COLUMNS", "132", 1)
        #expect(TerminalWidth.columns == 132)
        unsetenv("COLUMNS")
        #expect(TerminalWidth.columns == 80)
    }
}
