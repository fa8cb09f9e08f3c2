import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG with XMLParser and counts its elements by name and by `class`, and collects
/// its text, so tests can ask "is it well-formed, and does it hold the expected parts?".
final class SVGCheck: NSObject, XMLParserDelegate {
    private(set) var elements: [String: Int] = [:]
    private(set) var classes: [String: Int] = [:]
    private(set) var text = ""
    private(set) var wellFormed = false
    private(set) var root = ""

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        wellFormed = parser.parse()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root.isEmpty { root = name }
        elements[name, default: 0] += 1
        for c in (attributes["class"] ?? "").split(separator: " ") { classes[String(c), default: 0] += 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string + " " }

    /// Elements with `class="name"`.
    func count(class name: String) -> Int { classes[name] ?? 0 }
}
