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

    /// Scratch floats one thread needs for `plan`: scores [blockTokens, maxCells] and gathered
    /// keys and values [maxCells, headDim] each.
    func scratchPerThread(_ plan: AttentionPlan) -> Int {
        plan.maxCells * (AttentionPlan.blockTokens + 2 * headDimension)
    }

    /// output: [n, nHead·headDim] from query: [n, nHead·headDim] and the cache's `layer`.
    /// scratch: [pool.threadCount, scratchPerThread(plan)]
    func run(layer: Int, plan: AttentionPlan, cache: KVCache, query: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let perThread = scratchPerThread(plan)
        pool.run(chunks: plan.tasks.count) { t, thread in
            let task = plan.tasks[t]
            let work = scratch + thread * perThread
            if task.count < 4 {
                attendEach(task, layer: layer, plan: plan, cache: cache, query: query, output: output, scores: work)
            } else {
                attendBlock(task, layer: layer, plan: plan, cache: cache, query: query, output: output, scratch: work)
            }
        }
    }

    /// Token by token, reading each visible cell where it lies. scores: [maxCells]
    private func attendEach(_ task: AttentionPlan.Task, layer: Int, plan: AttentionPlan, cache: KVCache,
                            query: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                            scores: UnsafeMutablePointer<Float>) {
        let run = plan.runs[task.run], d = headDimension
        let kvOffset = (task.head / group) * d
        for r in task.start..<task.start + task.count {
            let token = run.firstToken + r
            let q = query + token * queryDimension + task.head * d
            let visible = run.visibleCounts[r]
            for j in 0..<visible {
                let cell = Int(run.cells[run.cells.startIndex + j])
                scores[j] = dot(q, cache.keys(layer: layer, cell: cell) + kvOffset, count: d) * scale
            }
            softmaxInPlace(scores, count: visible)
            let out = output + token * queryDimension + task.head * d
            out.initialize(repeating: 0, count: d)
            for j in 0..<visible {
                let cell = Int(run.cells[run.cells.startIndex + j])
                addScaled(out, scores[j], cache.values(layer: layer, cell: cell) + kvOffset, count: d)
            }
        }
    }

    /// A block of tokens at once: scores = Q·Kᵀ and output = P·V with sgemm.
    /// scratch: scores [count, maxCells], keys [maxCells, headDim], values [maxCells, headDim]
    private func attendBlock(_ task: AttentionPlan.Task, layer: Int, plan: AttentionPlan, cache: KVCache,
                             query: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>) {
        let run = plan.runs[task.run], d = headDimension
        let kvOffset = (task.head / group) * d
        let rows = task.start..<task.start + task.count
        let visible = rows.map { run.visibleCounts[$0] }.max()!
        let scores = scratch
        let keys: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int
        if run.contiguous {
            let first = Int(run.cells.first!)
            keys = UnsafePointer(cache.keys(layer: layer, cell: first) + kvOffset)
            values = UnsafePointer(cache.values(layer: layer, cell: first) + kvOffset)
            stride = kvDimension
        } else {
            let gatheredKeys = scratch + plan.maxCells * AttentionPlan.blockTokens
            let gatheredValues = gatheredKeys + plan.maxCells * d
            for j in 0..<visible {
                let cell = Int(run.cells[run.cells.startIndex + j])
                (gatheredKeys + j * d).update(from: cache.keys(layer: layer, cell: cell) + kvOffset, count: d)
                (gatheredValues + j * d).update(from: cache.values(layer: layer, cell: cell) + kvOffset, count: d)
            }
            (keys, values, stride) = (UnsafePointer(gatheredKeys), UnsafePointer(gatheredValues), d)
        }
        let firstToken = run.firstToken + task.start
        // scores: [count, visible] = scale · q: [count, headDim] (row stride queryDimension) · keysᵀ
        gemmTransposedB(m: task.count, n: visible, k: d, alpha: scale,
                        query + firstToken * queryDimension + task.head * d, lda: queryDimension,
                        keys, ldb: stride, scores, ldc: visible)
        for (i, r) in rows.enumerated() {
            let row = scores + i * visible, seen = run.visibleCounts[r]
            softmaxInPlace(row, count: seen)
            (row + seen).update(repeating: 0, count: visible - seen)
        }
        // output rows: [count, headDim] (row stride queryDimension) = scores · values: [visible, headDim]
        gemm(m: task.count, n: d, k: visible, scores, lda: visible, values, ldb: stride,
             output + firstToken * queryDimension + task.head * d, ldc: queryDimension)
    }
}

/// out[k] += p · v[k] over `count` values.
@inline(__always)
func addScaled(_ out: UnsafeMutablePointer<Float>, _ p: Float, _ v: UnsafePointer<Float>, count: Int) {
    var k = 0
    let pv = SIMD8<Float>(repeating: p)
    while k + 8 <= count {
        let o = UnsafeRawPointer(out + k).loadUnaligned(as: SIMD8<Float>.self)
        let x = UnsafeRawPointer(v + k).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + k).storeBytes(of: o + pv * x, as: SIMD8<Float>.self)
        k += 8
    }
    while k < count {
        out[k] += p * v[k]
        k += 1
    }
}
