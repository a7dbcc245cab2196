import Tensor

/// Causal grouped-query attention of a batch over the KV cache, split into the plan's tasks
/// over the worker pool.
struct Attention {
    let headCount: Int
    let headDimension: Int
    /// Query heads per key/value head.
    let group: Int
    let queryDimension: Int
    let kvDimension: Int
    let scale: Float

    init(config c: ModelConfig) {
        headCount = c.headCount
        headDimension = c.headDimension
        group = c.headCount / c.kvHeadCount
        queryDimension = c.queryDimension
        kvDimension = c.kvDimension
        scale = 1 / Float(c.headDimension).squareRoot()
    }

    /// Scratch floats one thread needs for `plan`: scores [max(blockTokens, group), maxCells]
    /// and gathered keys and values [maxCells, headDim] each.
    func scratchPerThread(_ plan: AttentionPlan) -> Int {
        plan.maxCells * (scoreRows + 2 * headDimension)
    }

    private var scoreRows: Int { max(AttentionPlan.blockTokens, group) }

    /// output: [n, nHead·headDim] from query: [n, nHead·headDim] and the cache's `layer`.
    /// scratch: [pool.threadCount, scratchPerThread(plan)]
    func run(layer: Int, plan: AttentionPlan, cache: KVCache, query: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let perThread = scratchPerThread(plan)
        pool.run(chunks: plan.tasks.count) { t, thread in
            let task = plan.tasks[t]
            let work = scratch + thread * perThread
            if task.grouped {
                attendGrouped(task, layer: layer, plan: plan, cache: cache, query: query, output: output, scratch: work)
            } else {
                attendBlock(task, layer: layer, plan: plan, cache: cache, query: query, output: output, scratch: work)
            }
        }
    }

    /// Keys and values of the first `count` cells of `run` for key/value head `kvHead`: in place
    /// (row stride kvDimension) when the cells are contiguous, else gathered into `buffer`
    /// ([2, maxCells, headDim], row stride headDim).
    private func keysAndValues(_ run: AttentionPlan.Run, count: Int, kvHead: Int, layer: Int, cache: KVCache,
                               buffer: UnsafeMutablePointer<Float>, maxCells: Int)
        -> (keys: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int) {
        let d = headDimension, offset = kvHead * d
        if run.contiguous {
            let first = Int(run.cells.first!)
            return (UnsafePointer(cache.keys(layer: layer, cell: first) + offset),
                    UnsafePointer(cache.values(layer: layer, cell: first) + offset), kvDimension)
        }
        let keys = buffer, values = buffer + maxCells * d
        for j in 0..<count {
            let cell = Int(run.cells[run.cells.startIndex + j])
            (keys + j * d).update(from: cache.keys(layer: layer, cell: cell) + offset, count: d)
            (values + j * d).update(from: cache.values(layer: layer, cell: cell) + offset, count: d)
        }
        return (UnsafePointer(keys), UnsafePointer(values), d)
    }

    /// Each token of the task alone, all query heads of one key/value head as the rows of two
    /// small sgemms. scratch: scores [group, maxCells], then gathered keys and values.
    private func attendGrouped(_ task: AttentionPlan.Task, layer: Int, plan: AttentionPlan, cache: KVCache,
                               query: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                               scratch: UnsafeMutablePointer<Float>) {
        let run = plan.runs[task.run], d = headDimension
        for r in task.start..<task.start + task.count {
            let visible = run.visibleCounts[r]
            let (keys, values, stride) = keysAndValues(run, count: visible, kvHead: task.head, layer: layer, cache: cache,
                                                       buffer: scratch + plan.maxCells * scoreRows, maxCells: plan.maxCells)
            // The token's query heads of this group are adjacent: [group, headDim].
            let heads = (run.firstToken + r) * queryDimension + task.head * group * d
            // scores: [group, visible] = scale · q: [group, headDim] · keysᵀ
            gemmTransposedB(m: group, n: visible, k: d, alpha: scale, query + heads, lda: d,
                            keys, ldb: stride, scratch, ldc: visible)
            for h in 0..<group { softmaxInPlace(scratch + h * visible, count: visible) }
            // output: [group, headDim] = scores · values: [visible, headDim]
            gemm(m: group, n: d, k: visible, scratch, lda: visible, values, ldb: stride, output + heads, ldc: d)
        }
    }

    /// A block of tokens of one query head: scores = Q·Kᵀ and output = P·V with sgemm.
    /// scratch: scores [count, maxCells], then gathered keys and values.
    private func attendBlock(_ task: AttentionPlan.Task, layer: Int, plan: AttentionPlan, cache: KVCache,
                             query: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>) {
        let run = plan.runs[task.run], d = headDimension
        let rows = task.start..<task.start + task.count
        let visible = rows.map { run.visibleCounts[$0] }.max()!
        let (keys, values, stride) = keysAndValues(run, count: visible, kvHead: task.head / group, layer: layer, cache: cache,
                                                   buffer: scratch + plan.maxCells * scoreRows, maxCells: plan.maxCells)
        let firstToken = run.firstToken + task.start
        // scores: [count, visible] = scale · q: [count, headDim] (row stride queryDimension) · keysᵀ
        gemmTransposedB(m: task.count, n: visible, k: d, alpha: scale,
                        query + firstToken * queryDimension + task.head * d, lda: queryDimension,
                        keys, ldb: stride, scratch, ldc: visible)
        for (i, r) in rows.enumerated() {
            let row = scratch + i * visible, seen = run.visibleCounts[r]
            softmaxInPlace(row, count: seen)
            (row + seen).update(repeating: 0, count: visible - seen)
        }
        // output rows: [count, headDim] (row stride queryDimension) = scores · values: [visible, headDim]
        gemm(m: task.count, n: d, k: visible, scratch, lda: visible, values, ldb: stride,
             output + firstToken * queryDimension + task.head * d, ldc: queryDimension)
    }
}
