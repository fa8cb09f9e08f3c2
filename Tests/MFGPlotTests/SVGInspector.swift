import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG text with XMLParser and records every element, its attributes and,
/// for `<text>` elements, the full text content (including `<tspan>` children).
final class SVGInspector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private(set) var parseError: Error?
    private var openText: [Int] = []

    /// Parses `svg`; `isWellFormed` reports whether the parser succeeded.
    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? NSError(domain: "SVGInspector", code: 1) }
    }

    var isWellFormed: Bool { parseError == nil }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
        if elementName == "text" { openText.append(elements.count - 1) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        if elementName == "text" { openText.removeLast() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let k = openText.last { elements[k].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { parseError = error }

    /// Number of elements with this tag name.
    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }

    /// Elements with this tag name and `class` attribute.
    func elements(_ name: String, cssClass: String) -> [Element] {
        elements.filter { $0.name == name && $0.attributes["class"] == cssClass }
    }

    /// Text content of all `<text>` elements with the given class.
    func texts(cssClass: String) -> [String] { elements("text", cssClass: cssClass).map(\.text) }

    /// Text content of all `<text>` elements.
    var allTexts: [String] { elements.filter { $0.name == "text" }.map(\.text) }
}
