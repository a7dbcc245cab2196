/// How one batch's attention splits into independent tasks; built once per forward pass (the
/// cells a token sees are the same in every layer).
struct AttentionPlan {
    /// Consecutive batch tokens of one sequence and the cache cells they attend to.
    struct Run {
        let firstToken: Int
        let tokenCount: Int
        /// The sequence's cells up to the run's last position, in position order.
        let cells: ArraySlice<Int32>
        /// Whether `cells` are consecutive cell numbers, so keys and values are read in place.
        let contiguous: Bool
        /// For each token of the run, how many leading `cells` it sees (causal mask).
        let visibleCounts: [Int]
    }

    /// `count` tokens of a run from the run's token `start`: one query head of a block of
    /// tokens, or (`grouped`) every query head sharing key/value head `head`, token by token.
    struct Task {
        let run: Int
        let head: Int
        let start: Int
        let count: Int
        let grouped: Bool
    }

    /// Query tokens per task: enough rows for sgemm, small enough to spread work over threads.
    static let blockTokens = 64
    /// Runs shorter than this (decode steps) are attended token by token, a key/value head's
    /// query heads together.
    static let blockMinimum = 4

    private(set) var runs: [Run] = []
    private(set) var tasks: [Task] = []
    /// Most cells any task reads.
    private(set) var maxCells = 0

    init(batch: Batch, cache: KVCache, headCount: Int, kvHeadCount: Int) {
        var i = 0
        while i < batch.count {
            let sequence = batch.sequences[i]
            var end = i + 1
            while end < batch.count && batch.sequences[end] == sequence { end += 1 }
            let positions = batch.positions[i..<end]
            let cells = cache.visibleCells(of: sequence, upTo: positions.max()!)
            let first = cells.first ?? 0
            let contiguous = cells.indices.allSatisfy { cells[$0] == first + Int32($0 - cells.startIndex) }
            let counts = positions.map { cache.visibleCells(of: sequence, upTo: $0).count }
            runs.append(Run(firstToken: i, tokenCount: end - i, cells: cells, contiguous: contiguous, visibleCounts: counts))
            maxCells = max(maxCells, cells.count)
            i = end
        }
        for (r, run) in runs.enumerated() {
            if run.tokenCount < Self.blockMinimum {
                for head in 0..<kvHeadCount {
                    tasks.append(Task(run: r, head: head, start: 0, count: run.tokenCount, grouped: true))
                }
                continue
            }
            for start in stride(from: 0, to: run.tokenCount, by: Self.blockTokens) {
                for head in 0..<headCount {
                    tasks.append(Task(run: r, head: head, start: start, count: min(Self.blockTokens, run.tokenCount - start),
                                      grouped: false))
                }
            }
        }
    }
}
