/// How one batch's attention splits into independent tasks; built once per forward pass (the
/// cells a token sees are the same in every layer).
struct AttentionPlan {
    /// Consecutive batch tokens of one sequence and the cache cells they attend to.
    struct Run {
        let firstToken: Int
        let tokenCount: Int
        /// The sequence's cells up to the run's last position, in position order.
        let cells: [Int32]
        /// For each token of the run, how many leading `cells` it sees (causal mask).
        let visibleCounts: [Int]
    }

    /// `count` tokens of a run from the run's token `start`, each token's query heads that share
    /// key/value head `head`.
    struct Task {
        let run: Int
        let head: Int
        let start: Int
        let count: Int
    }

    /// Most tokens per task: a long prompt's attention is spread over the threads.
    static let tokensPerTask = 32

    private(set) var runs: [Run] = []
    private(set) var tasks: [Task] = []
    /// Most cells any token sees.
    private(set) var maxCells = 0

    init(batch: Batch, cache: KVCache, kvHeadCount: Int) {
        var i = 0
        while i < batch.count {
            let sequence = batch.sequences[i]
            var end = i + 1
            while end < batch.count && batch.sequences[end] == sequence { end += 1 }
            let positions = batch.positions[i..<end]
            let cells = Array(cache.visibleCells(of: sequence, upTo: positions.max()!))
            let counts = positions.map { cache.visibleCells(of: sequence, upTo: $0).count }
            runs.append(Run(firstToken: i, tokenCount: end - i, cells: cells, visibleCounts: counts))
            maxCells = max(maxCells, cells.count)
            i = end
        }
        for (r, run) in runs.enumerated() {
            for start in stride(from: 0, to: run.tokenCount, by: Self.tokensPerTask) {
                for head in 0..<kvHeadCount {
                    tasks.append(Task(run: r, head: head, start: start, count: min(Self.tokensPerTask, run.tokenCount - start)))
                }
            }
        }
    }
}
