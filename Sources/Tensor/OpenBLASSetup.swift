import COpenBLAS

/// The OpenBLAS kernels in use (its core name).
public var openBLASCore: String {
    _ = openBLASReady
    return String(cString: openblas_get_corename())
}

/// Evaluated before every sgemm (once): OpenBLAS runs single-threaded inside our pool's threads,
/// so the two never oversubscribe cores, with kernels for this CPU (`dv_openblas_match_cpu`).
public let openBLASReady: Bool = {
    _ = dv_openblas_match_cpu()
    openblas_set_num_threads(1)
    return true
}()
