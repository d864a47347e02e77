import COpenBLAS

/// Row-major single-precision GEMM, C = alpha * op(A) * op(B) + beta * C, through OpenBLAS.
/// `m`, `n`, `k` are the dimensions of op(A) (m x k) and op(B) (k x n).
@inline(__always)
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
           alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
           beta: Float, c: UnsafeMutablePointer<Float>) {
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha,
                a, blasint(transposeA ? m : k),
                b, blasint(transposeB ? k : n),
                beta, c, blasint(n))
}

/// `sgemm` on submatrices: A, B and C with their own leading dimensions (row pitches), for
/// operands that are strided views of a larger buffer.
@inline(__always)
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// Row-major single-precision y = alpha * op(A) * x + beta * y; A is m x n.
@inline(__always)
func sgemv(transposeA: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, x: UnsafePointer<Float>,
           beta: Float, y: UnsafeMutablePointer<Float>) {
    cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha,
                a, blasint(n), x, 1, beta, y, 1)
}
