;; The decode attention kernel in WebAssembly SIMD: the same three passes as attendSlots in
;; ../attention.ts (the readable reference), four float32 lanes at a time; and the matrix-vector product
;; of the projections and logits (matvec, below; ../linalg.ts is its reference).
;;
;;   out = Σ_j softmax_j(q·k_j / √headDim) · v_j     over slots j < slots
;;
;; Everything lives in the linear memory the host passes in as env.memory: the cache's keys and values
;; ([slots][headDim] float32 per KV head, padded to a multiple of 8 slots, see SLOT_BLOCK), one query
;; head, the scores and the output. Pointers are byte offsets into that memory.
;;
;; Arithmetic is float32 throughout (the JS kernel sums in float64): a 64-term dot product or a
;; 16k-term weighted sum in float32 is off by ~1e-7 relative, far inside what the engine's tests allow.
;; The head size is a runtime argument; a multiple of 4 runs entirely in f32x4, any other size adds a
;; scalar pass over the last headDim mod 4 elements.
(module
  (import "env" "memory" (memory 1))

  ;; The sum of a vector's four lanes.
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; e^x for four lanes with x ≤ 0 (softmax subtracts the max first), Cephes' expf: write
  ;; x = n·ln 2 + r with n an integer and |r| ≤ ln2 / 2, then e^x = 2^n · e^r, e^r by a degree-7
  ;; polynomial (relative error ~1e-7) and 2^n built directly in the float's exponent bits.
  ;; x is clamped at −87 so 2^n stays a normal float; e^−87 ≈ 1.6e-38 is as good as 0 next to the
  ;; max's weight of 1.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (local.get $x) (f32x4.splat (f32.const -87))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    ;; r = x − n·ln 2, ln 2 split in two parts so the first product is exact.
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    ;; p = ((((c5 r + c4) r + c3) r + c2) r + c1) r + c0, then e^r ≈ 1 + r + p r²
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p
      (f32x4.add
        (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
        (f32x4.splat (f32.const 1))))
    ;; 2^n: the biased exponent n + 127 shifted into bits 23..30.
    (f32x4.mul
      (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; attend(q, keys, values, slots, headDim, weights, out)
  ;;   q       [headDim] float32           one query head
  ;;   keys    [padded][headDim] float32   padded = slots rounded up to a multiple of 8
  ;;   values  [padded][headDim] float32
  ;;   weights [padded] float32            scratch: scores, then softmax weights
  ;;   out     [headDim + 2] float32       the attention output for this head, then the largest score
  ;;                                       and Σ_j e^(score_j − largest) (to merge runs of slots)
  (func (export "attend")
    (param $q i32) (param $keys i32) (param $values i32) (param $slots i32) (param $headDim i32)
    (param $weights i32) (param $out i32)
    (local $padded i32) (local $row i32) (local $vec i32) (local $j i32) (local $e i32)
    (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $qv v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $qe f32)
    (local $scale f32) (local $max v128) (local $m f32) (local $sum f32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $acc v128)

    (local.set $padded (i32.and (i32.add (local.get $slots) (i32.const 7)) (i32.const -8)))
    (local.set $row (i32.shl (local.get $headDim) (i32.const 2)))        ;; bytes per slot
    (local.set $vec (i32.and (local.get $row) (i32.const -16)))          ;; bytes the f32x4 loops cover
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_u (local.get $headDim)))))

    ;; Pass 1, scores: weights[j] = q·k_j / √headDim, four slots at a time with one f32x4 accumulator
    ;; each, so the four sums do not wait on each other and each load of q serves four multiply-adds.
    (local.set $j (i32.const 0))
    (loop $slots4
      (local.set $k0 (i32.add (local.get $keys) (i32.mul (local.get $j) (local.get $row))))
      (local.set $k1 (i32.add (local.get $k0) (local.get $row)))
      (local.set $k2 (i32.add (local.get $k1) (local.get $row)))
      (local.set $k3 (i32.add (local.get $k2) (local.get $row)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $e (i32.const 0))
      (block $done
        (loop $dims
          (br_if $done (i32.ge_u (local.get $e) (local.get $vec)))
          (local.set $qv (v128.load (i32.add (local.get $q) (local.get $e))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k0) (local.get $e))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k1) (local.get $e))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k2) (local.get $e))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k3) (local.get $e))))))
          (local.set $e (i32.add (local.get $e) (i32.const 16)))
          (br $dims)))
      (local.set $s0 (call $hsum (local.get $a0)))
      (local.set $s1 (call $hsum (local.get $a1)))
      (local.set $s2 (call $hsum (local.get $a2)))
      (local.set $s3 (call $hsum (local.get $a3)))
      ;; The last headDim mod 4 elements, one at a time.
      (block $done
        (loop $tail
          (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
          (local.set $qe (f32.load (i32.add (local.get $q) (local.get $e))))
          (local.set $s0 (f32.add (local.get $s0) (f32.mul (local.get $qe) (f32.load (i32.add (local.get $k0) (local.get $e))))))
          (local.set $s1 (f32.add (local.get $s1) (f32.mul (local.get $qe) (f32.load (i32.add (local.get $k1) (local.get $e))))))
          (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.get $qe) (f32.load (i32.add (local.get $k2) (local.get $e))))))
          (local.set $s3 (f32.add (local.get $s3) (f32.mul (local.get $qe) (f32.load (i32.add (local.get $k3) (local.get $e))))))
          (local.set $e (i32.add (local.get $e) (i32.const 4)))
          (br $tail)))
      (local.set $k0 (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))
      (f32.store offset=0 (local.get $k0) (f32.mul (local.get $s0) (local.get $scale)))
      (f32.store offset=4 (local.get $k0) (f32.mul (local.get $s1) (local.get $scale)))
      (f32.store offset=8 (local.get $k0) (f32.mul (local.get $s2) (local.get $scale)))
      (f32.store offset=12 (local.get $k0) (f32.mul (local.get $s3) (local.get $scale)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $slots4 (i32.lt_u (local.get $j) (local.get $padded))))

    ;; The padding slots get −∞, so they cannot be the max; pass 2 gives them weight exactly 0.
    (local.set $j (local.get $slots))
    (block $done
      (loop $pad
        (br_if $done (i32.ge_u (local.get $j) (local.get $padded)))
        (f32.store (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))) (f32.const -inf))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pad)))

    ;; Pass 2, softmax weights: w_j = e^(score_j − max), unnormalised (pass 3 divides by Σ w once).
    ;; Subtracting the max keeps e^x ≤ 1, so nothing overflows.
    (local.set $max (f32x4.splat (f32.const -inf)))
    (local.set $j (i32.const 0))
    (loop $maxLoop
      (local.set $max (f32x4.max (local.get $max) (v128.load (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $maxLoop (i32.lt_u (local.get $j) (local.get $padded))))
    (local.set $m
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
        (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
    (local.set $max (f32x4.splat (local.get $m)))
    (local.set $j (i32.const 0))
    (loop $expLoop
      (local.set $k0 (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))
      (v128.store (local.get $k0) (call $exp4 (f32x4.sub (v128.load (local.get $k0)) (local.get $max))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $expLoop (i32.lt_u (local.get $j) (local.get $padded))))
    (local.set $j (local.get $slots))
    (block $done
      (loop $zero
        (br_if $done (i32.ge_u (local.get $j) (local.get $padded)))
        (f32.store (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zero)))

    ;; Pass 3, out = Σ_j w_j v_j / Σ_j w_j: four value rows per pass over the head's dimensions, so out
    ;; (the accumulator, in L1) is loaded and stored once per four weighted rows.
    (local.set $e (i32.const 0))
    (block $done
      (loop $clear
        (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
        (f32.store (i32.add (local.get $out) (local.get $e)) (f32.const 0))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $clear)))
    (local.set $sum (f32.const 0))
    (local.set $j (i32.const 0))
    (loop $rows4
      (local.set $k0 (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $w0 (f32x4.splat (f32.load offset=0 (local.get $k0))))
      (local.set $w1 (f32x4.splat (f32.load offset=4 (local.get $k0))))
      (local.set $w2 (f32x4.splat (f32.load offset=8 (local.get $k0))))
      (local.set $w3 (f32x4.splat (f32.load offset=12 (local.get $k0))))
      (local.set $sum (f32.add (local.get $sum) (call $hsum (v128.load (local.get $k0)))))
      (local.set $k0 (i32.add (local.get $values) (i32.mul (local.get $j) (local.get $row))))
      (local.set $k1 (i32.add (local.get $k0) (local.get $row)))
      (local.set $k2 (i32.add (local.get $k1) (local.get $row)))
      (local.set $k3 (i32.add (local.get $k2) (local.get $row)))
      (local.set $e (i32.const 0))
      (block $done
        (loop $dims
          (br_if $done (i32.ge_u (local.get $e) (local.get $vec)))
          (local.set $acc
            (f32x4.add
              (v128.load (i32.add (local.get $out) (local.get $e)))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (local.get $w0) (v128.load (i32.add (local.get $k0) (local.get $e))))
                  (f32x4.mul (local.get $w1) (v128.load (i32.add (local.get $k1) (local.get $e)))))
                (f32x4.add
                  (f32x4.mul (local.get $w2) (v128.load (i32.add (local.get $k2) (local.get $e))))
                  (f32x4.mul (local.get $w3) (v128.load (i32.add (local.get $k3) (local.get $e))))))))
          (v128.store (i32.add (local.get $out) (local.get $e)) (local.get $acc))
          (local.set $e (i32.add (local.get $e) (i32.const 16)))
          (br $dims)))
      (block $done
        (loop $tail
          (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
          (f32.store (i32.add (local.get $out) (local.get $e))
            (f32.add
              (f32.load (i32.add (local.get $out) (local.get $e)))
              (f32.add
                (f32.add
                  (f32.mul (f32x4.extract_lane 0 (local.get $w0)) (f32.load (i32.add (local.get $k0) (local.get $e))))
                  (f32.mul (f32x4.extract_lane 0 (local.get $w1)) (f32.load (i32.add (local.get $k1) (local.get $e)))))
                (f32.add
                  (f32.mul (f32x4.extract_lane 0 (local.get $w2)) (f32.load (i32.add (local.get $k2) (local.get $e))))
                  (f32.mul (f32x4.extract_lane 0 (local.get $w3)) (f32.load (i32.add (local.get $k3) (local.get $e))))))))
          (local.set $e (i32.add (local.get $e) (i32.const 4)))
          (br $tail)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $rows4 (i32.lt_u (local.get $j) (local.get $padded))))

    ;; For merging runs (kernel.ts): the largest score and Σ w, stored just past the output.
    (f32.store (i32.add (local.get $out) (local.get $row)) (local.get $m))
    (f32.store offset=4 (i32.add (local.get $out) (local.get $row)) (local.get $sum))

    ;; Normalise once: out ← out / Σ w.
    (local.set $s0 (f32.div (f32.const 1) (local.get $sum)))
    (local.set $e (i32.const 0))
    (block $done
      (loop $norm
        (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
        (f32.store (i32.add (local.get $out) (local.get $e))
          (f32.mul (f32.load (i32.add (local.get $out) (local.get $e))) (local.get $s0)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $norm))))

  ;; matvec(out, w, x, rows, cols): out[r] = Σ_c w[r][c] · x[c] for r < rows, w row-major [rows][cols]
  ;; float32 (the projections and the logits of a decode step; linalg.ts's matvec is the reference).
  ;; Four rows at a time with one f32x4 accumulator each, so each load of x serves four rows and the four
  ;; sums do not wait on each other; the last cols mod 4 columns and rows mod 4 rows one at a time.
  (func (export "matvec")
    (param $out i32) (param $w i32) (param $x i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $row i32) (local $vec i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $xe f32)
    (local.set $row (i32.shl (local.get $cols) (i32.const 2)))        ;; bytes per row
    (local.set $vec (i32.and (local.get $row) (i32.const -16)))       ;; bytes the f32x4 loops cover
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rows4
        (br_if $rowsDone (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $row))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $row)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $row)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $row)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $vecDone
          (loop $vec4
            (br_if $vecDone (i32.ge_u (local.get $c) (local.get $vec)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $c))) (local.get $xv))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $w1) (local.get $c))) (local.get $xv))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $w2) (local.get $c))) (local.get $xv))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $w3) (local.get $c))) (local.get $xv))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vec4)))
        (local.set $s0 (call $hsum (local.get $a0)))
        (local.set $s1 (call $hsum (local.get $a1)))
        (local.set $s2 (call $hsum (local.get $a2)))
        (local.set $s3 (call $hsum (local.get $a3)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $c) (local.get $row)))
            (local.set $xe (f32.load (i32.add (local.get $x) (local.get $c))))
            (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (i32.add (local.get $w0) (local.get $c))) (local.get $xe))))
            (local.set $s1 (f32.add (local.get $s1) (f32.mul (f32.load (i32.add (local.get $w1) (local.get $c))) (local.get $xe))))
            (local.set $s2 (f32.add (local.get $s2) (f32.mul (f32.load (i32.add (local.get $w2) (local.get $c))) (local.get $xe))))
            (local.set $s3 (f32.add (local.get $s3) (f32.mul (f32.load (i32.add (local.get $w3) (local.get $c))) (local.get $xe))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tail)))
        (local.set $w0 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))))
        (f32.store (local.get $w0) (local.get $s0))
        (f32.store offset=4 (local.get $w0) (local.get $s1))
        (f32.store offset=8 (local.get $w0) (local.get $s2))
        (f32.store offset=12 (local.get $w0) (local.get $s3))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; The last rows mod 4 rows, one at a time.
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $row))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $vecDone1
          (loop $vec1
            (br_if $vecDone1 (i32.ge_u (local.get $c) (local.get $vec)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $c))) (local.get $xv))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vec1)))
        (local.set $s0 (call $hsum (local.get $a0)))
        (block $tailDone1
          (loop $tail1
            (br_if $tailDone1 (i32.ge_u (local.get $c) (local.get $row)))
            (local.set $xe (f32.load (i32.add (local.get $x) (local.get $c))))
            (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (i32.add (local.get $w0) (local.get $c))) (local.get $xe))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tail1)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $s0))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $one)))
  )
)
