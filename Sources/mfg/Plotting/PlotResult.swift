/// A rendered figure and what the command reports about it (one line each).
struct PlotResult: Sendable {
    var svg: String
    var notes: [String] = []
}
