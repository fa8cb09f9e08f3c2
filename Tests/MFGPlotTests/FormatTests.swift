import Testing
@testable import MFGPlot

@Suite struct FormatTests {
    @Test func numbersUseAtMostTwoDecimals() {
        #expect(Format.number(3.14159) == "3.14")
        #expect(Format.number(2.0) == "2")
        #expect(Format.number(2.5) == "2.5")
        #expect(Format.number(-0.004) == "0")
        #expect(Format.number(-1.235) == "-1.24" || Format.number(-1.235) == "-1.23")
        #expect(Format.number(0.05) == "0.05")
        #expect(Format.number(.nan) == "0")
    }

    @Test func escapesXMLSpecialCharacters() {
        #expect(svgEscape("a < b & c > d") == "a &lt; b &amp; c &gt; d")
        #expect(svgEscape("\"q\" 'a'") == "&quot;q&quot; &apos;a&apos;")
        #expect(svgEscape("ρ₀") == "ρ₀")
        #expect(svgEscape("a\u{01}b\tc") == "ab\tc")
    }

    @Test func escapedTitlesSurviveInFigures() {
        let title = "loss < 1e-3 & \"fast\""
        let svg = trainingFigure(series: [TrainingSeries(name: "a<b", values: [1, 0.5, 0.25])],
                                 xLabel: "it & more", title: title)
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        #expect(doc.texts(cssClass: "figure-title") == [title])
        #expect(doc.texts(cssClass: "legend-label") == ["a<b"])
        #expect(doc.texts(cssClass: "axis-label").contains("it & more"))
        #expect(!svg.contains("a<b"))
    }

    @Test func colorsAndColorMaps() {
        #expect(RGBColor(hex: 0x1f77b4).svg == "#1f77b4")
        #expect(ColorMap.viridis.color(at: 0).svg == "#440154")
        #expect(ColorMap.viridis.color(at: 1).svg == "#fde725")
        #expect(ColorMap.viridis.color(at: 2).svg == "#fde725")
        #expect(ColorMap.diverging.color(at: 0.5).svg == "#f7f7f7")
        // Viridis gets lighter monotonically (perceptual ordering, roughly).
        let lum = stride(from: 0.0, through: 1.0, by: 0.1).map { t -> Double in
            let c = ColorMap.viridis.color(at: t)
            return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue
        }
        #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    }
}
