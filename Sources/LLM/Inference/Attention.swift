import Tensor

/// Causal grouped-query attention of a batch over the KV cache, split into the plan's tasks
/// over the worker pool. Each token is attended alone (`attend`), reading keys and values in
/// place, so its result does not depend on how it was batched.
struct Attention {
    let headDimension: Int
    /// Query heads per key/value head.
    let group: Int
    let queryDimension: Int
    let kvDimension: Int
    let scale: Float

    init(config c: ModelConfig) {
        headDimension = c.headDimension
        group = c.headCount / c.kvHeadCount
        queryDimension = c.queryDimension
        kvDimension = c.kvDimension
        scale = 1 / Float(c.headDimension).squareRoot()
    }

    /// Scratch floats one thread needs for `plan`: scores [group, maxCells].
    func scratchPerThread(_ plan: AttentionPlan) -> Int { group * plan.maxCells }

    /// output: [n, nHead·headDim] from query: [n, nHead·headDim] and the cache's `layer`.
    /// scratch: [pool.threadCount, scratchPerThread(plan)]
    func run(layer: Int, plan: AttentionPlan, cache: KVCache, query: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let perThread = scratchPerThread(plan), d = headDimension
        // keys, values: [capacity, kvDim] of this layer
        let keys = UnsafePointer(cache.keys(layer: layer, cell: 0)), values = UnsafePointer(cache.values(layer: layer, cell: 0))
        pool.run(chunks: plan.tasks.count) { t, thread in
            let task = plan.tasks[t], run = plan.runs[task.run], kvOffset = task.head * d
            run.cells.withUnsafeBufferPointer { cells in
                for r in task.start..<task.start + task.count {
                    // The token's query heads of this group are adjacent: [group, headDim].
                    let heads = (run.firstToken + r) * queryDimension + task.head * group * d
                    attend(query: query + heads, heads: group, headDim: d, keys: keys + kvOffset, values: values + kvOffset,
                           stride: kvDimension, cells: UnsafeBufferPointer(rebasing: cells[..<run.visibleCounts[r]]),
                           scale: scale, scores: scratch + thread * perThread, output: output + heads)
                }
            }
        }
    }
}
