/// Stroke appearance for lines and paths.
struct Stroke {
    var color: RGBColor
    var width: Double = 1
    /// SVG dash pattern such as `"6 4"`; nil for a solid line.
    var dash: String? = nil
    var opacity: Double = 1

    var attributes: String {
        var s = "stroke=\"\(color.svg)\" stroke-width=\"\(Format.number(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        if opacity < 1 { s += " stroke-opacity=\"\(Format.number(opacity))\"" }
        return s
    }
}

/// Horizontal alignment of a text element.
enum TextAnchor: String {
    case start, middle, end
}

/// An SVG document assembled element by element.
///
/// Elements are appended as text; `defs` collects clip paths and gradients.
/// Ids handed out by `makeID` are unique within the document.
struct SVGDocument {
    let width: Double
    let height: Double
    private var defs: [String] = []
    private var body: [String] = []
    private var nextID = 0

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body.append("<rect x=\"0\" y=\"0\" width=\"\(Format.number(width))\" height=\"\(Format.number(height))\" fill=\"#ffffff\"/>")
    }

    /// A fresh id with the given prefix.
    mutating func makeID(_ prefix: String) -> String {
        nextID += 1
        return "\(prefix)\(nextID)"
    }

    mutating func addDef(_ element: String) { defs.append(element) }
    mutating func add(_ element: String) { body.append(element) }

    /// Opens a group; must be balanced by `endGroup`.
    mutating func beginGroup(_ attributes: String) { body.append("<g \(attributes)>") }
    mutating func endGroup() { body.append("</g>") }

    /// Defines a rectangular clip path and returns its id.
    mutating func clipRect(_ r: Rect) -> String {
        let id = makeID("clip")
        addDef("<clipPath id=\"\(id)\"><rect x=\"\(Format.number(r.x))\" y=\"\(Format.number(r.y))\" width=\"\(Format.number(r.width))\" height=\"\(Format.number(r.height))\"/></clipPath>")
        return id
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ stroke: Stroke, cssClass: String? = nil) {
        let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
        add("<line\(cls) x1=\"\(Format.number(x1))\" y1=\"\(Format.number(y1))\" x2=\"\(Format.number(x2))\" y2=\"\(Format.number(y2))\" \(stroke.attributes)/>")
    }

    mutating func rect(_ r: Rect, fill: String, stroke: Stroke? = nil, extra: String = "") {
        var s = "<rect x=\"\(Format.number(r.x))\" y=\"\(Format.number(r.y))\" width=\"\(Format.number(r.width))\" height=\"\(Format.number(r.height))\" fill=\"\(fill)\""
        if let stroke { s += " " + stroke.attributes }
        if !extra.isEmpty { s += " " + extra }
        add(s + "/>")
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: Stroke?, cssClass: String? = nil) {
        let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
        var s = "<circle\(cls) cx=\"\(Format.number(cx))\" cy=\"\(Format.number(cy))\" r=\"\(Format.number(r))\" fill=\"\(fill)\""
        if let stroke { s += " " + stroke.attributes }
        add(s + "/>")
    }

    /// A stroked, unfilled path with the given `d` data.
    mutating func path(_ d: String, _ stroke: Stroke, cssClass: String? = nil) {
        let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
        add("<path\(cls) d=\"\(d)\" fill=\"none\" \(stroke.attributes) stroke-linejoin=\"round\" stroke-linecap=\"round\"/>")
    }

    /// A text element; the content is XML-escaped here.
    mutating func text(_ content: String, x: Double, y: Double, size: Double,
                       anchor: TextAnchor = .start, weight: String? = nil,
                       rotate: Double? = nil, color: RGBColor = .darkGray, cssClass: String? = nil) {
        var s = "<text"
        if let cssClass { s += " class=\"\(cssClass)\"" }
        s += " x=\"\(Format.number(x))\" y=\"\(Format.number(y))\" font-size=\"\(Format.number(size))\""
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        if color != .darkGray { s += " fill=\"\(color.svg)\"" }
        if let rotate { s += " transform=\"rotate(\(Format.number(rotate)) \(Format.number(x)) \(Format.number(y)))\"" }
        add(s + ">\(Format.xmlEscape(content))</text>")
    }

    /// The complete SVG text.
    func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Format.number(width))\" height=\"\(Format.number(height))\" viewBox=\"0 0 \(Format.number(width)) \(Format.number(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" fill=\"#333333\">\n"
        if !defs.isEmpty {
            out += "<defs>\n" + defs.joined(separator: "\n") + "\n</defs>\n"
        }
        out += body.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }
}

/// An axis-aligned rectangle in SVG pixel coordinates (y grows downwards).
struct Rect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
}

/// Incrementally builds compact SVG path data (`M`/`L`/`Z` commands).
struct PathData {
    private(set) var text = ""
    private var penDown = false

    var isEmpty: Bool { text.isEmpty }

    mutating func move(_ x: Double, _ y: Double) {
        if !text.isEmpty { text += " " }
        text += "M\(Format.number(x)) \(Format.number(y))"
        penDown = true
    }

    /// Draws to the point, or starts a new subpath if none is open.
    mutating func line(_ x: Double, _ y: Double) {
        guard penDown else { move(x, y); return }
        text += "L\(Format.number(x)) \(Format.number(y))"
    }

    mutating func close() {
        text += "Z"
        penDown = false
    }

    /// Ends the current subpath so the next `line` starts a new one.
    mutating func lift() { penDown = false }
}
