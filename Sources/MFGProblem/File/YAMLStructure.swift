import CYaml

/// A pass over a YAML text's event stream before it is composed into a tree: the composer
/// (Yams) recurses once per nesting level, so 100 000 nested `[` overflow the stack, and an alias
/// is a copy of what it names, so nine lines of aliases can stand for 10⁹ nodes. libyaml's event
/// parser keeps its state on the heap, so this pass is safe at any depth; it refuses a text nested
/// deeper than `ProblemLimits.nesting` or with more than `ProblemLimits.nodes` nodes once aliases
/// are expanded, naming the line and column where the limit is crossed.
///
/// Syntax errors are not reported here: the pass stops at the first one and leaves it to the
/// composer, whose messages the rest of the reader already formats.
enum YAMLStructure {
    static func check(_ text: String, file: String) throws(ProblemError) {
        if let error = firstViolation(Array(text.utf8), file: file) { throw error }
    }

    private static func firstViolation(_ bytes: [UInt8], file: String) -> ProblemError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> ProblemError? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0, nodes = 0
            // Open collections: their anchor (if any) and the node count when they started.
            var open: [(anchor: String?, start: Int)] = []
            var anchored: [String: Int] = [:]   // anchor → size of the node it names
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                func fail(_ message: String) -> ProblemError {
                    ProblemError(file: file, field: "", kind: .structure(message),
                                 line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    guard depth <= ProblemLimits.nesting else {
                        return fail("lists and mappings are nested more than \(ProblemLimits.nesting) deep "
                                    + "(allowed: at most \(ProblemLimits.nesting) levels)")
                    }
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor
                                                                          : event.data.mapping_start.anchor
                    open.append((text(anchor), nodes))
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                    if let last = open.popLast(), let anchor = last.anchor { anchored[anchor] = nodes - last.start }
                case YAML_SCALAR_EVENT:
                    nodes += 1
                    if let anchor = text(event.data.scalar.anchor) { anchored[anchor] = 1 }
                case YAML_ALIAS_EVENT:
                    nodes += text(event.data.alias.anchor).flatMap { anchored[$0] } ?? 1
                default:
                    break
                }
                guard nodes <= ProblemLimits.nodes else {
                    return fail("the file holds more than \(ProblemLimits.nodes) YAML values, aliases (*name) counted "
                                + "as copies of what they name (allowed: at most \(ProblemLimits.nodes))")
                }
            }
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }
}
