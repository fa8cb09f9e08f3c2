import Foundation

/// Compact number and text formatting for SVG output.
///
/// Coordinates are written with at most two decimals and without trailing zeros,
/// which keeps large figures (heat maps, many trajectories) small.
enum Format {
    /// Formats `value` with at most `digits` (0...4) decimals, trimming trailing zeros.
    /// Non-finite values are written as `0` so the document always stays valid.
    static func number(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let digits = min(max(digits, 0), 4)
        var factor = 1
        for _ in 0..<digits { factor *= 10 }
        let scaled = (value * Double(factor)).rounded()
        guard abs(scaled) < 1e15 else { return String(format: "%.0f", value) }
        let n = Int(scaled)
        let negative = n < 0
        let magnitude = negative ? -n : n
        let whole = magnitude / factor
        var frac = magnitude % factor
        var text = negative && magnitude != 0 ? "-" : ""
        text += String(whole)
        if frac != 0 {
            var width = digits
            while frac % 10 == 0 { frac /= 10; width -= 1 }
            let fracText = String(frac)
            text += "." + String(repeating: "0", count: width - fracText.count) + fracText
        }
        return text
    }

    /// Escapes the five XML special characters so arbitrary text can go into
    /// element content or attribute values. Control characters that XML 1.0
    /// forbids (below U+0020 except tab, newline, return) are dropped.
    static func xmlEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where ch.unicodeScalars.allSatisfy({ $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }):
                continue
            default: out.append(ch)
            }
        }
        return out
    }

    /// Rough width in pixels of `text` set in a sans-serif font of `size` pixels.
    /// Used only for layout decisions (margins, legend boxes, label overlap).
    static func textWidth(_ text: String, size: Double) -> Double {
        var units = 0.0
        for ch in text {
            switch ch {
            case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "|", "!", "(", ")", " ", "[", "]":
                units += 0.34
            case "m", "w", "M", "W":
                units += 0.85
            case _ where ch.isUppercase:
                units += 0.68
            default:
                units += 0.56
            }
        }
        return units * size
    }
}

/// Public entry point for escaping text destined for SVG/XML.
public func svgEscape(_ text: String) -> String { Format.xmlEscape(text) }
